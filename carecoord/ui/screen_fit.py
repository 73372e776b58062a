"""Windows that fit the screen they open on.

Clinic PCs are often 1366×768 laptops or 1920×1080 screens at 200 % scaling (960×540
logical pixels). Every top-level window and dialog sizes itself through
:func:`fit_to_screen`, so none opens taller or wider than the usable area, and large
windows open maximised on small screens. :func:`available_geometry` is the one place
that asks Qt for that area (tests replace it to pretend a smaller screen).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from carecoord.ui.preferences import store

# Below this usable area, large windows (main window, chart, previews) open maximised.
MAXIMISE_BELOW = QSize(1440, 900)
# No window may ask for more than this at scale 1 (the smallest supported laptop).
LARGEST_MINIMUM = QSize(1280, 720)
# Title bar and borders the window manager adds around a window (before it is shown,
# Qt cannot tell; these are Windows 11's at 100 %, generous elsewhere).
FRAME_ALLOWANCE = QSize(16, 39)


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The usable area (without taskbar) of the screen ``widget`` is on, in logical pixels."""
    screen = widget.screen() if widget is not None else None
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    if screen is None:  # no screen at all (should not happen): assume the smallest laptop
        return QRect(0, 0, 1366, 728)
    return screen.availableGeometry()


def fitted_size(preferred: QSize, area: QRect, minimum: QSize | None = None) -> QSize:
    """``preferred`` shrunk to fit ``area`` with room for the frame; never below ``minimum``
    unless that itself does not fit (then the area wins: a window must stay reachable)."""
    room = QSize(
        max(area.width() - FRAME_ALLOWANCE.width(), 200),
        max(area.height() - FRAME_ALLOWANCE.height(), 150),
    )
    size = preferred.boundedTo(room)
    if minimum is not None:
        size = size.expandedTo(minimum.boundedTo(room))
    return size


def fit_to_screen(window: QWidget, width: int, height: int, *, maximise: bool = False) -> QSize:
    """Give ``window`` its preferred ``width`` × ``height``, clamped to its screen, centred.

    A window's layout minimum is clamped too (a minimum larger than the screen would push
    buttons off its edge). With ``maximise``, the window opens maximised when the usable
    area is smaller than :data:`MAXIMISE_BELOW`. Returns the size given.
    """
    area = available_geometry(window)
    limit = fitted_size(QSize(10_000, 10_000), area)
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    if minimum.width() > limit.width() or minimum.height() > limit.height():
        window.setMinimumSize(minimum.boundedTo(limit))
    size = fitted_size(QSize(width, height), area, window.minimumSize())
    window.resize(size)
    _centre(window, area)
    if maximise and (
        area.width() < MAXIMISE_BELOW.width() or area.height() < MAXIMISE_BELOW.height()
    ):
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    return size


def keep_on_screen(window: QWidget) -> None:
    """Shrink and move ``window`` back inside the usable area (a geometry remembered on
    another, bigger screen perhaps)."""
    area = available_geometry(window)
    size = fitted_size(window.size(), area)
    if size != window.size():
        window.resize(size)
    frame = QRect(window.pos(), window.size() + FRAME_ALLOWANCE)
    if not area.contains(frame):
        _centre(window, area)


def fit_dialog(dialog: QWidget) -> None:
    """Fit ``dialog`` (at its size hint) to the screen when it is first shown.

    Waiting for the first show lets subclasses finish adding their fields, so the hint is
    the real one; the show event comes before the window reaches the screen (no flicker).
    """
    dialog.installEventFilter(_FitOnFirstShow(dialog))


class _FitOnFirstShow(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            watched.removeEventFilter(self)
            hint = watched.sizeHint().expandedTo(watched.size())
            fit_to_screen(watched, hint.width(), hint.height())
            self.deleteLater()
        return False


def _centre(window: QWidget, area: QRect) -> None:
    parent = window.parentWidget()
    anchor = parent.window().frameGeometry() if parent is not None else area
    frame = QSize(window.width(), window.height()) + FRAME_ALLOWANCE
    x = anchor.center().x() - frame.width() // 2
    y = anchor.center().y() - frame.height() // 2
    x = max(area.left(), min(x, area.right() + 1 - frame.width()))
    y = max(area.top(), min(y, area.bottom() + 1 - frame.height()))
    window.move(QPoint(x, y))


def restore_or_fit(
    window: QWidget, saved: object, width: int, height: int, *, maximise: bool = False
) -> None:
    """Restore a remembered geometry (kept on this screen), else fit the preferred size.

    A geometry remembered on a larger monitor must not reopen beyond a laptop's edge. The
    saved bytes are read on a stand-in widget first: restoring a maximised window directly
    would keep its old un-maximised size for later, out of reach of the clamp.
    """
    if isinstance(saved, QByteArray):
        stand_in = QWidget()
        if stand_in.restoreGeometry(saved):
            maximised = stand_in.isMaximized()
            window.setGeometry(stand_in.normalGeometry() if maximised else stand_in.geometry())
            keep_on_screen(window)
            if maximised:
                window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
            return
    fit_to_screen(window, width, height, maximise=maximise)


def restore_geometry(
    window: QWidget, key: str, width: int, height: int, *, maximise: bool = False
) -> None:
    """Open ``window`` where it was last closed (remembered under ``key`` by
    :func:`remember_geometry`), kept on this screen; else at ``width`` × ``height``."""
    saved = store().value(key)
    restore_or_fit(window, saved, width, height, maximise=maximise)


def remember_geometry(window: QWidget, key: str) -> None:
    """Remember where ``window`` is (as it closes) for :func:`restore_geometry`."""
    store().setValue(key, window.saveGeometry())


def scroll_when_cramped(content: QWidget) -> QScrollArea:
    """``content`` in a frameless scroll area: on a screen too small for it, the page
    scrolls instead of forcing its window wider or taller than the screen."""
    area = QScrollArea()
    area.setObjectName(f"{content.objectName() or 'page'}Scroll")
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a stop of its own when tabbing
    area.setWidget(content)
    return area


def grow_to_fit(dialog: QWidget) -> None:
    """Make room for an error line that just appeared instead of squeezing the fields."""
    layout = dialog.layout()
    if layout is not None:
        layout.activate()
    hint = dialog.sizeHint()
    fit_to_screen(dialog, max(dialog.width(), hint.width()), max(dialog.height(), hint.height()))

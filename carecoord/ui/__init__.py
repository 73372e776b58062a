"""The PySide6 desktop interface: windows, dialogs and item models over the services."""

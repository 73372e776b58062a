"""The demo patients' rows in batches: built here, or in a forked helper process while this
one writes the batch before (a large demo spends about as long building rows in Python as
the database spends storing them, so on two cores the two overlap).

The helper is a fork of this process taken after the directory was written: it holds the
same builder, random stream and ids, so it builds exactly the rows this process would. It
never touches the database connection; it only sends rows back through a pipe.
"""

from __future__ import annotations

import multiprocessing
import pickle
import sys
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection as PipeEnd
from typing import Any

from carecoord.demo.builder import Builder

BATCH_PATIENTS = 2000
"""Patients per batch of rows written."""

FORK_FROM = 2
"""Fork a builder process only for at least this many batches (one batch: nothing to overlap)."""


def built(builder: Builder, patients: int) -> Iterator[int]:
    """Put each batch of patients' rows into ``builder.sink.rows`` and yield how many
    patients are done; the caller writes the rows before asking for the next batch."""
    batch = BATCH_PATIENTS
    if patients >= FORK_FROM * batch and _can_fork():
        yield from _forked(builder, patients, batch)
    else:
        yield from _here(builder, patients, batch)


def _here(builder: Builder, patients: int, batch: int) -> Iterator[int]:
    for index in range(patients):
        builder.patient(index)
        if (index + 1) % batch == 0 or index + 1 == patients:
            yield index + 1


def _can_fork() -> bool:
    """Fork on Linux, but not from the desktop app: a fork of a running Qt application is
    not safe (the app's own demo is small anyway)."""
    qt = sys.modules.get("PySide6.QtCore")
    gui = qt is not None and qt.QCoreApplication.instance() is not None
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods() and not gui


def _forked(builder: Builder, patients: int, batch: int) -> Iterator[int]:
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(
        target=_build_and_send, args=(builder, patients, batch, writer), daemon=True
    )
    child.start()
    writer.close()  # the child's copy stays open: EOF here when the child is gone
    rows = builder.sink.rows
    try:
        done = 0
        while done < patients:
            try:
                kind, payload = pickle.loads(reader.recv_bytes())
            except EOFError:
                raise RuntimeError("the demo's builder process ended early") from None
            if kind == "error":
                raise RuntimeError(f"the demo's builder process failed:\n{payload}")
            done, batch_rows = payload
            for table, table_rows in batch_rows.items():
                rows[table].extend(table_rows)
            yield done
    finally:
        reader.close()
        if child.is_alive():
            child.kill()
        child.join()


def _build_and_send(builder: Builder, patients: int, batch: int, writer: PipeEnd) -> None:
    """The child: build every batch and send its rows (then forget them)."""
    rows = builder.sink.rows
    message: tuple[str, Any]
    try:
        for done in _here(builder, patients, batch):
            message = ("rows", (done, {table: r for table, r in rows.items() if r}))
            writer.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
            for table_rows in rows.values():
                table_rows.clear()
    except BaseException:
        writer.send_bytes(pickle.dumps(("error", traceback.format_exc())))
    finally:
        writer.close()

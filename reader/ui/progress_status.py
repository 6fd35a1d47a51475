"""A long job's line in the status bar: "Re-sorting 12,000 / 48,000 [bar] [Cancel]"."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget


class ProgressStatus(QWidget):
    """The label says ``verb`` and the count; the bar is busy until the first count comes.

    ``name`` makes the object names (``{name}Status``, ``{name}Cancel``); ``cancel_tip`` adds a
    Cancel button (a job that cannot be cancelled shows none).
    """

    def __init__(
        self,
        name: str,
        verb: str = "",
        cancel_tip: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Status")
        self.setAccessibleName(verb)
        self.verb = verb
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setMaximumWidth(140)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setObjectName(f"{name}Cancel")
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip(cancel_tip or "")
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.setVisible(cancel_tip is not None)
        layout.addWidget(self.cancel_button)
        self.hide()

    def start(self, verb: str | None = None) -> None:
        if verb is not None:
            self.verb = verb
        self.setAccessibleName(self.verb)
        self.label.setText(f"{self.verb}…")
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show()

    def show_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.label.setText(f"{self.verb} {done:,} / {total:,}")

    def show_cancelling(self) -> None:
        self.label.setText("Cancelling…")
        self.cancel_button.setEnabled(False)

    def finish(self) -> None:
        self.hide()

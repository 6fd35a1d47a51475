"""Edit → Old articles…: mark old articles read, the delete rule, the Trash's delay.

Every figure is shown before anything happens: "Mark 312 unread articles read", "would move
1,204 read, unstarred articles older than 90 days to the Trash". The delete rule is off until
the reader ticks it; turned on, it says how many it takes now and asks before it does.
Starred articles are never touched by either rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reader.core import retention

from .trash_actions import DELETE_READ_DAYS, TRASH_DAYS, articles

if TYPE_CHECKING:
    from .main_window import MainWindow

DEFAULT_RULE_DAYS = 90
DEFAULT_MARK_DAYS = 30


def _days(value: int, special: str | None = None) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0 if special else 1, 3650)
    box.setSuffix(" days")
    if special:
        box.setSpecialValueText(special)
    box.setValue(value)
    return box


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for w in widgets:
        row.addWidget(w)
    row.addStretch(1)
    return row


class RetentionDialog(QDialog):
    """The library's housekeeping, on one page."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.main = window
        self.setObjectName("retentionDialog")
        self.setWindowTitle("Old articles")
        s = window.settings
        rule = s.get(DELETE_READ_DAYS)

        self.mark_days = _days(DEFAULT_MARK_DAYS)
        self.mark_button = QPushButton()
        self.mark_button.setObjectName("markOldRead")
        self.mark_button.clicked.connect(self.mark_old_read)
        mark = QGroupBox("Mark old articles read")
        box = QVBoxLayout(mark)
        box.addLayout(_row(QLabel("Unread articles added more than"), self.mark_days))
        box.addLayout(_row(self.mark_button))

        self.rule_on = QCheckBox("At every start, move read articles added more than")
        self.rule_on.setObjectName("deleteRule")
        self.rule_on.setChecked(rule > 0)
        self.rule_days = _days(rule if rule > 0 else DEFAULT_RULE_DAYS)
        self.rule_preview = QLabel()
        self.rule_preview.setObjectName("rulePreview")
        self.rule_preview.setTextFormat(Qt.TextFormat.PlainText)
        self.rule_preview.setWordWrap(True)
        delete = QGroupBox("Delete old read articles (off unless ticked)")
        box = QVBoxLayout(delete)
        box.addLayout(_row(self.rule_on, self.rule_days, QLabel("ago to the Trash")))
        box.addWidget(self.rule_preview)

        self.trash_days = _days(s.get(TRASH_DAYS), special="never (empty it by hand)")
        bin_box = QGroupBox("Trash")
        box = QVBoxLayout(bin_box)
        box.addLayout(_row(QLabel("Delete articles for good after"), self.trash_days))
        box.addWidget(QLabel("Starred articles are never deleted by these rules."))

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (mark, delete, bin_box):
            layout.addWidget(w)
        layout.addWidget(buttons)

        self.mark_days.valueChanged.connect(self._update)
        self.rule_days.valueChanged.connect(self._update)
        self.rule_on.toggled.connect(self._update)
        self._update()

    def _update(self) -> None:
        lib = self.main.library
        days = self.mark_days.value()
        self._old_unread = retention.unread_older_than(lib, days)
        n = len(self._old_unread)
        self.mark_button.setText(f"Mark {articles(n)} read" if n else "Nothing to mark read")
        self.mark_button.setEnabled(n > 0)
        rule = self.rule_days.value()
        self.rule_count = retention.read_older_than_count(lib, rule)
        verb = "will move" if self.rule_on.isChecked() else "would move"
        self.rule_preview.setText(
            f"Now this {verb} {articles(self.rule_count)} (read, unstarred, older than"
            f" {rule} days) to the Trash."
        )

    def mark_old_read(self) -> None:
        """Undoable like any marking (Ctrl+Z)."""
        ids = self._old_unread
        days = self.mark_days.value()
        self.main.marking.mark_articles_read(ids, f"articles older than {days} days")
        self._old_unread = []
        self.mark_button.setText(f"Marked {articles(len(ids))} read")
        self.mark_button.setEnabled(False)

    def accept(self) -> None:
        s = self.main.settings
        was_on = s.get(DELETE_READ_DAYS) > 0
        rule = self.rule_days.value() if self.rule_on.isChecked() else 0
        s.set(TRASH_DAYS, self.trash_days.value())
        if rule and not was_on and self.rule_count:
            answer = QMessageBox.question(
                self,
                "Delete old read articles",
                f"Move {articles(self.rule_count)} (read, unstarred, older than {rule} days) to"
                " the Trash now, and do the same at every start?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        s.set(DELETE_READ_DAYS, rule)
        super().accept()
        if rule and (not was_on):
            self.main.trash.run_housekeeping()

"""The sweep's progress bar: runs done of all runs, runs per second, elapsed and remaining time."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task,
                           TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Runs per second over the last minute (rich's estimate, which ignores runs done before)."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text(f"{speed:.2f} runs/s" if speed else "- runs/s", style="progress.data.speed")


@contextmanager
def run_progress(total: int, done: int, console: Console | None,
                 enabled: bool = True) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``, to call as each task's runs are written."""
    if not enabled:
        yield lambda n: None
        return
    columns = (TextColumn("[bold]runs"), BarColumn(), MofNCompleteColumn(), RateColumn(),
               TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn())
    with Progress(*columns, console=console, speed_estimate_period=60.0,
                  refresh_per_second=2) as progress:
        bar = progress.add_task("runs", total=total, completed=done)
        yield lambda n: progress.advance(bar, n)

"""Prepare the next piece of work in a thread while the caller works on this one.

Grading is two stages: the model embeds a batch of answers (it releases the GIL), then Python
matches rubrics, flags and explanations. Run one after the other they leave a core idle; with
the next batch embedding beside the current one's Python, 2 cores hide most of the rubric
matching behind the model. `Scorer.score_many` does this over its chunks, a local batch over
its partitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Prepared = TypeVar("Prepared")


def prepared_ahead(
    items: Sequence[Item], prepare: Callable[[Item], Prepared]
) -> Iterator[tuple[Item, Prepared]]:
    """Each item with `prepare(item)`, in order; while the caller works on one item, the next
    is prepared in a thread. An error in `prepare` is raised where its item is given. A single
    item is prepared here, as there is nothing to overlap."""
    if len(items) <= 1:
        yield from ((item, prepare(item)) for item in items)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="grader-embed") as pool:
        pending = pool.submit(prepare, items[0])
        for n, item in enumerate(items):
            done = pending.result()
            if n + 1 < len(items):
                pending = pool.submit(prepare, items[n + 1])
            yield item, done

"""A child process for the reliability tests: grades (and sometimes undoes) in a loop.

Usage: python grader_child.py DB START_MINUTE SEED KEYS COUNT

Prints ``committed <review id>`` after each grade returns, ``undoing <review id>``
before an undo and ``undone <review id>`` after it returns, flushing every line:
what it printed as committed, it reported as saved.
``COUNT`` 0 means: grade until killed.
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from quizapp.deck.models import Card, Deck, Kind  # noqa: E402
from quizapp.srs import Rating, Store  # noqa: E402

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def deck() -> Deck:
    cards = tuple(Card(deck="rel", id=f"c{i}", kind=Kind.FLASH, front=f"q{i}", back="a") for i in range(40))
    return Deck(slug="rel", title="Reliability", cards=cards)


def main() -> None:
    db, start, seed, keys, count = sys.argv[1:6]
    rng = random.Random(int(seed))
    chosen = [f"rel/c{i}" for i in range(40)] if keys == "all" else keys.split(",")
    minute = int(start)
    with Store.open(Path(db)) as store:
        store.sync([deck()], now=T0)
        print("ready", flush=True)
        done = 0
        last: int | None = None
        while count == "0" or done < int(count):
            now = T0 + timedelta(minutes=minute)
            result = store.grade(rng.choice(chosen), rng.choice(list(Rating)), now=now, answer="x" * rng.randrange(50))
            print(f"committed {result.review_id}", flush=True)
            last = result.review_id
            if rng.random() < 0.15 and last is not None:
                print(f"undoing {last}", flush=True)
                store.undo()
                print(f"undone {last}", flush=True)
                last = None
            minute += 7
            done += 1


if __name__ == "__main__":
    main()

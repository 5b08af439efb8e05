"""Command palette entries: study a deck, study all, keys."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class StudyCommands(Provider):
    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        out: list[tuple[str, object, str]] = [
            ("Study everything due", partial(app.start_session, None), "All decks, due cards first"),
        ]
        for deck in app.library.decks:
            out.append((f"Study {deck.title}", partial(app.start_session, [deck.slug]), deck.slug))
            out.append(
                (f"Cram {deck.title}", partial(app.start_session, [deck.slug], cram=True),
                 "practice without changing the schedule")
            )
        return out

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)

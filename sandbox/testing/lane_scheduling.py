"""xdist's ``load`` scheduling with browser lanes (see :mod:`.lanes`); imported only when xdist runs."""

from __future__ import annotations

import json
from pathlib import Path

from xdist.scheduler import LoadScheduling


class BrowserLaneScheduling(LoadScheduling):
    """As ``load``, except that browser tests go only to the first ``lanes`` workers, which take them
    before anything else; the other workers take the rest, and stop when only browser tests are left."""

    def __init__(self, config, log=None, *, lanes: int, folder: Path):
        super().__init__(config, log)
        self.lanes = lanes
        self.folder = folder
        self.browser: frozenset[int] | None = None

    def schedule(self) -> None:
        if self.browser is None and self.collection_is_completed:
            self.browser = self._browser_tests()
        super().schedule()

    def _browser_tests(self) -> frozenset[int]:
        count = len(next(iter(self.node2collection.values()), []))
        for path in sorted(self.folder.glob("*.json")):
            try:
                told = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            if told.get("count") == count:
                return frozenset(told["browser"])
        return frozenset()  # not told (an older worker): plain load scheduling

    def _is_lane(self, node) -> bool:
        return node in self.nodes[: self.lanes]

    def _send_tests(self, node, num: int) -> None:
        if not self.browser:
            return super()._send_tests(node, num)
        if self._is_lane(node):
            chosen = [index for index in self.pending if index in self.browser][:num]
            chosen += [index for index in self.pending if index not in self.browser][: num - len(chosen)]
        else:
            chosen = [index for index in self.pending if index not in self.browser][:num]
        if chosen:
            taken = set(chosen)
            self.pending[:] = [index for index in self.pending if index not in taken]
            self.node2pending[node].extend(chosen)
            node.send_runtest_some(chosen)
        elif not self.node2pending[node]:
            node.shutdown()  # nothing it may take is left, and nothing is running on it

"""YAML nodes that remember where they are: every value read from a case file can name its file, line and key.

Case files are parsed with `yaml.compose` (node tree with marks), not `yaml.safe_load`, so that an error can say
``case.yaml:41: claims[2].test.approached.within_km: expected a number, got 'ten'``.
"""

from __future__ import annotations

import difflib
import math
from typing import Any

import yaml

from tracks.errors import CaseFileError

SAFE = yaml.SafeLoader("")
MAX_DEPTH = 50  # nested mappings/lists: a case file needs about six
MAX_ALIASES = 200  # *alias references: enough for reuse, too few for an exponential "billion laughs"
#: Explicit tags a case file may carry (YAML's core schema); others (!!python/object, !custom) are refused.
PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp",
                                                           "map", "seq"))


def compose(text: str, file: str) -> yaml.Node | None:
    """The YAML node tree of a case file, after a first pass over its events that refuses what no case needs and
    what would break the parser: explicit tags other than plain values, nesting deeper than MAX_DEPTH (PyYAML's
    composer recurses) and more than MAX_ALIASES aliases. CaseFileError at the offending line."""
    depth = aliases = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + 1 if event.start_mark else None
            tag = getattr(event, "tag", None)
            if tag not in (None, "!") and tag not in PLAIN_TAGS:
                raise CaseFileError(file, f"the YAML tag {tag!r} is not allowed: a case file holds plain text, "
                                    "numbers, lists and mappings (remove the tag)", line=line)
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise CaseFileError(file, f"lists/mappings nested more than {MAX_DEPTH} deep; a case file "
                                        "needs a handful of levels (see docs/case-format.md)", line=line)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise CaseFileError(file, f"more than {MAX_ALIASES} YAML aliases (*name); write the values out",
                                        line=line)
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise CaseFileError(file, f"not valid YAML: {e.problem or e.context}",
                            line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as e:
        raise CaseFileError(file, f"not valid YAML: {type(e).__name__}") from None


class Node:
    """A YAML node with its key path, so that every error can name file, line and key."""

    def __init__(self, node: yaml.Node, key: str, file: str, key_node: yaml.Node | None = None) -> None:
        self.node = node
        self.key = key
        self.file = file
        self.key_node = key_node  # the mapping key this value belongs to, for errors about the key itself

    def key_error(self, problem: str) -> CaseFileError:
        """An error located at this value's key (unknown or misplaced names)."""
        line = self.key_node.start_mark.line + 1 if self.key_node is not None else self.line
        return CaseFileError(self.file, problem, line=line, key=self.key or None)

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    def error(self, problem: str) -> CaseFileError:
        return CaseFileError(self.file, problem, line=self.line, key=self.key or None)

    def child(self, node: yaml.Node, key: str) -> Node:
        sep = "" if not self.key or key.startswith("[") else "."
        return Node(node, f"{self.key}{sep}{key}", self.file)

    # kinds
    @property
    def is_map(self) -> bool:
        return isinstance(self.node, yaml.MappingNode)

    @property
    def is_seq(self) -> bool:
        return isinstance(self.node, yaml.SequenceNode)

    @property
    def is_null(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode) and self.node.tag == "tag:yaml.org,2002:null"

    def describe(self) -> str:
        if self.is_map:
            return "a mapping"
        if self.is_seq:
            return "a list"
        if self.is_null:
            return "nothing"
        text = str(self.node.value)
        return repr(text) if len(text) <= 60 else f"a value of {len(text)} characters"

    def value(self) -> Any:
        """The plain Python value of a scalar (int, float, bool, str, date, None)."""
        if not isinstance(self.node, yaml.ScalarNode):
            raise self.error(f"expected a single value, got {self.describe()}")
        return construct(self)

    def mapping(self, known: tuple[str, ...] | None = None, what: str = "a mapping") -> dict[str, Node]:
        """The children of a mapping by key; rejects duplicate keys and (when `known` is given) unknown keys."""
        if not self.is_map:
            raise self.error(f"expected {what}, got {self.describe()}")
        out: dict[str, Node] = {}
        for knode, vnode in self.node.value:
            kval = construct(Node(knode, self.key, self.file)) if isinstance(knode, yaml.ScalarNode) else None
            if not isinstance(kval, (str, int, float)) or isinstance(kval, bool):
                raise Node(knode, self.key, self.file).error(f"expected a text key, got {Node(knode, '', '').describe()}")
            k = str(kval)
            child = self.child(vnode, k)
            child.key_node = knode
            if k in out:
                raise Node(knode, child.key, self.file).error(
                    f"duplicate key {k!r} (first given on line {out[k].line})"
                )
            if known is not None and k not in known:
                raise Node(knode, child.key, self.file).error(unknown(k, known, "key"))
            out[k] = child
        return out

    def items(self) -> list[Node]:
        if not self.is_seq:
            raise self.error(f"expected a list, got {self.describe()}")
        return [self.child(n, f"[{i}]") for i, n in enumerate(self.node.value)]

    # typed values
    def text(self, allow_empty: bool = False) -> str:
        v = self.value()
        if v is None or isinstance(v, (list, dict)):
            raise self.error(f"expected text, got {self.describe()}")
        s = str(self.node.value).strip()  # as written: dates and numbers stay exactly as typed
        if not s and not allow_empty:
            raise self.error("expected text, got an empty value")
        return s

    def number(self, *, minimum: float | None = None, positive: bool = False) -> float:
        v = self.value() if isinstance(self.node, yaml.ScalarNode) else None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)):
            raise self.error(f"expected a number, got {self.describe()}")
        x = float(v)
        if positive and x <= 0:
            raise self.error(f"expected a number greater than 0, got {self.node.value}")
        if minimum is not None and x < minimum:
            raise self.error(f"expected a number >= {minimum:g}, got {self.node.value}")
        return x


def construct(y: Node) -> Any:
    """A scalar's Python value with YAML's core schema; CaseFileError (not a traceback) when the value cannot be
    built, e.g. an integer of thousands of digits or a malformed timestamp."""
    try:
        return SAFE.construct_object(y.node, deep=True)
    except (ValueError, OverflowError, yaml.YAMLError) as e:
        raise y.error(f"cannot read {y.describe()} as a plain value (text, a number of at most a few hundred "
                      f"digits, a date): {type(e).__name__}") from None


def unknown(name: str, known: tuple[str, ...] | list[str], what: str) -> str:
    near = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"unknown {what} {name!r}{hint} (known: {', '.join(known)})"

"""Reading a CIN census XML return safely, one Child element at a time.

defusedxml refuses any document type declaration: a census return has none,
and a DTD is how entity-expansion ("billion laughs") and external-entity attacks
arrive. Children are streamed and cleared, so file size never sets memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

MAX_DEPTH = 32  # a census nests six deep; a deeper file is refused before any recursion


class UnsafeOrBrokenXML(ValueError):
    """The file is refused as a whole; the message says why."""


def local(tag: str) -> str:
    """The element name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def children(element: Element, name: str) -> list[Element]:
    return [c for c in element if local(c.tag) == name]


def text(element: Element | None, *names: str) -> str | None:
    """The text of the first direct child with one of these names, if not blank."""
    if element is None:
        return None
    for child in element:
        if local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def descendants_text(element: Element, name: str) -> list[str]:
    return [
        e.text.strip() for e in element.iter() if local(e.tag) == name and e.text and e.text.strip()
    ]


def paths(element: Element, prefix: str = "") -> Iterator[str]:
    """Every element path under `element`, e.g. 'CINdetails/Assessments/...'."""
    for child in element:
        path = f"{prefix}{local(child.tag)}"
        yield path
        yield from paths(child, path + "/")


def stream_children(path: Path, on_header: Callable[[str, str], object]) -> Iterator[Element]:
    """Yield each Child element (then clear it); header leaves go to `on_header`."""
    in_child = depth = 0
    try:
        for event, element in iterparse(str(path), events=("start", "end"), forbid_dtd=True):
            name = local(element.tag)
            if event == "start":
                depth += 1
                if depth > MAX_DEPTH:
                    raise UnsafeOrBrokenXML(
                        f"elements nested deeper than {MAX_DEPTH} levels: not a CIN census return"
                    )
                in_child += name == "Child"
                continue
            depth -= 1
            if name == "Child":
                in_child -= 1
                yield element
                element.clear()
            elif not in_child and element.text and element.text.strip():
                on_header(name, element.text.strip())
    except DefusedXmlException as error:
        raise UnsafeOrBrokenXML(
            "unsafe XML refused: the file declares a document type (DTD), which a CIN census"
            f" return never has and which carries entity-expansion and external-entity attacks"
            f" ({type(error).__name__})"
        ) from None
    except ParseError as error:
        line, column = error.position
        raise UnsafeOrBrokenXML(f"not well-formed XML at line {line}, column {column}") from None

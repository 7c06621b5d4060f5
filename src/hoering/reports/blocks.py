"""A notat as layout-free blocks (headings, paragraphs, tables): ``notat`` writes them,
``docx_writer`` and ``pdf_writer`` lay them out. Apart so that the writers and the notat do not
import each other."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 0: the title


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "normal"  # normal | quote | strong | muted | bullet


@dataclass(frozen=True)
class Grid:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()  # columns aligned right
    total_last: bool = False  # the last row is a total (bold)


Block = Heading | Para | Grid


@dataclass(frozen=True)
class Notat:
    title: str
    subject: str
    blocks: list[Block] = field(default_factory=list)
    draft: str | None = None  # "UDKAST": said in the header of every page

    @property
    def running_header(self) -> str:
        line = f"Sekretariat for Nordjysk Socialaftale · {self.title}"
        return f"{self.draft} · {line}" if self.draft else line

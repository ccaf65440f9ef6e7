"""How one client of a batch went: a typed status and a plain record that travels anywhere.

A batch's workers (local processes or Dask workers) hand back plain dictionaries, never
exceptions, so that pickling, a remote scheduler or a crashed worker can never lose a
client's outcome; :class:`ClientOutcome` is the typed view of such a record.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["ClientOutcome", "ClientStatus"]


class ClientStatus(enum.StrEnum):
    """The outcome of one client in a batch.

    ``OK``: every stage ran (or was skipped for lack of data) and the report is complete.
    ``SKIPPED_UNCHANGED``: params and data are those of the newest earlier successful run,
    whose report stands. ``FAILED_VALIDATION``: params or data have a fatal problem; no
    report. ``FAILED_STAGE``: the report is written, and a stage, a page or a part of the
    summary failed (``stage`` names it). ``FAILED``: the run stopped on an unexpected error
    or its worker crashed; no report. ``INTERRUPTED``: the batch was stopped before the
    client finished; no report.
    """

    OK = "ok"
    SKIPPED_UNCHANGED = "skipped_unchanged"
    FAILED_VALIDATION = "failed_validation"
    FAILED_STAGE = "failed_stage"
    FAILED = "failed"
    INTERRUPTED = "interrupted"

    @property
    def succeeded(self) -> bool:
        """Whether the client counts as a success for the batch's exit code."""
        return self in (ClientStatus.OK, ClientStatus.SKIPPED_UNCHANGED)


@dataclass(frozen=True)
class ClientOutcome:
    """One client's outcome.

    Attributes
    ----------
    client : str
        The client folder's name (unique in the batch).
    client_dir : str
        The client folder, absolute.
    status : ClientStatus
    name : str or None
        The client's name from params.yaml, when it could be read.
    stage : str or None
        The failed stage (or ``"index page"`` … for a failed part of the report).
    message : str or None
        What failed, in one or a few lines; why it was skipped.
    seconds : float
        Wall time of the client's run (0 when it did not run).
    report_dir : str or None
        The report folder (absolute): this run's, or the earlier one a skipped client kept.
    inputs_hash : str or None
        The fingerprint of params.yaml and the data (:func:`crmkit.pipeline.inputs.inputs_hash`).
    pdf : str or None
        With ``--pdf``: what printing the report's pages did (a
        :class:`crmkit.report.pdf.PdfStatus` value); None when no PDF was asked for or the
        client has no new report.
    pdf_pages : int
        The PDFs written beside the client's pages.
    """

    client: str
    client_dir: str
    status: ClientStatus
    name: str | None = None
    stage: str | None = None
    message: str | None = None
    seconds: float = 0.0
    report_dir: str | None = None
    inputs_hash: str | None = None
    pdf: str | None = None
    pdf_pages: int = 0

    def to_record(self) -> dict[str, Any]:
        """A plain, JSON-ready dictionary (the status as its string value).

        Examples
        --------
        >>> ClientOutcome("acme", "/c/acme", ClientStatus.OK).to_record()["status"]
        'ok'
        """
        record = asdict(self)
        record["status"] = str(self.status)
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> ClientOutcome:
        """The outcome from :meth:`to_record`'s dictionary."""
        fields = {key: record.get(key) for key in cls.__dataclass_fields__}
        fields["status"] = ClientStatus(record["status"])
        fields["seconds"] = float(record.get("seconds") or 0.0)
        fields["pdf_pages"] = int(record.get("pdf_pages") or 0)
        return cls(**fields)

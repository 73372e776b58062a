"""Clinic-wide settings: letterhead, paper size, referral time targets, how often a PDMP
check is due, and the SMTP relay that sends letters by e-mail and e-mail-to-fax (its
password lives in the OS keyring, never here: carecoord/services/delivery.py)."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecoord.clinical import monitoring
from carecoord.clinical import referral_workflow as workflow
from carecoord.clinical.referral_rules import Targets
from carecoord.config import configured_region
from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.letters.data import Letterhead
from carecoord.letters.dates import DATE_FORMATS
from carecoord.models import Setting
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import service
from carecoord.services.permissions import Action, require
from carecoord.services.unit_of_work import unit_of_work

PAPER_SIZES = ("letter", "a4")
MAX_LOGO_BYTES = 2 * 1024 * 1024
# How the workstation talks to the relay: TLS from the first byte, or STARTTLS before
# anything else is said. There is no plain-text choice: letters carry PHI (HIPAA §164.312(e)).
SMTP_SECURITY = {
    "starttls": "STARTTLS (usually port 587)",
    "tls": "Implicit TLS (usually port 465)",
}
SMTP_DEFAULT_PORT = {"starttls": 587, "tls": 465}
FAX_PLACEHOLDER = "{fax}"
HOST_RE = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


@dataclass(frozen=True)
class ClinicSettings:
    """What letters and the time-target rules need to know about the clinic."""

    clinic_name: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    logo_png: bytes | None = None
    paper_size: str = "letter"
    targets: Targets = field(default_factory=Targets)
    idle_lock_minutes: int = 5
    date_format: str = "us_long"  # how letters print dates (DATE_FORMATS)
    # Business days skip this region's public holidays and the clinic's closure dates.
    holiday_country: str = "US"
    holiday_subdivision: str = ""
    closure_dates: tuple[date, ...] = ()
    # A patient on opioids without a PDMP check in this many days is overdue (CDC 2022
    # Rec. 9; docs/clinical-reference.md §5.1).
    pdmp_interval_days: int = monitoring.DEFAULT_PDMP_INTERVAL_DAYS
    # The clinic's SMTP relay for letters by e-mail and e-mail-to-fax (docs/sending.md).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"  # "starttls" or "tls" (SMTP_SECURITY); never plain text
    smtp_user: str = ""  # empty: the relay takes mail without signing in
    sender_address: str = ""  # From: of every letter sent
    fax_gateway: str = ""  # e-mail-to-fax address pattern, e.g. {fax}@fax.example.net

    @property
    def relay_configured(self) -> bool:
        """Whether letters can be sent through the relay (host and sender set)."""
        return bool(self.smtp_host and self.sender_address)

    @property
    def is_configured(self) -> bool:
        return bool(self.clinic_name)

    @property
    def letterhead(self) -> Letterhead:
        """The clinic as it prints at the top of every letter, plan and reply."""
        return Letterhead(
            self.clinic_name, self.address, self.phone, self.fax, self.email, self.logo_png
        )

    @property
    def workflow(self) -> workflow.Settings:
        """What the referral workflow needs: targets and the clinic's working calendar."""
        return workflow.Settings(
            targets=self.targets,
            calendar=workflow.Calendar(
                self.holiday_country, self.holiday_subdivision, frozenset(self.closure_dates)
            ),
        )


def encode_settings(settings: ClinicSettings) -> dict[str, str]:
    values: dict[str, str] = {}
    for f in fields(ClinicSettings):
        value = getattr(settings, f.name)
        if f.name == "targets":
            values[f.name] = json.dumps(asdict(value))
        elif f.name == "logo_png":
            values[f.name] = base64.b64encode(value).decode() if value else ""
        elif f.name == "closure_dates":
            values[f.name] = json.dumps([d.isoformat() for d in value])
        else:
            values[f.name] = str(value)
    return values


def load_settings(session: Session) -> ClinicSettings:
    """Settings inside an open session (defaults for anything never saved; the public-holiday
    region's default is the settings files' clinic.country and clinic.subdivision, so a
    clinic IT has configured counts its own holidays from the first referral on)."""
    stored = {s.key: s.value for s in session.scalars(select(Setting))}
    kwargs: dict[str, Any] = {}
    if "holiday_country" not in stored:
        country, subdivision = configured_region()
        if country is not None:
            kwargs["holiday_country"] = country
            kwargs["holiday_subdivision"] = subdivision or ""
    for f in fields(ClinicSettings):
        if f.name not in stored:
            continue
        raw = stored[f.name]
        if f.name == "targets":
            kwargs[f.name] = Targets(**json.loads(raw))
        elif f.name == "logo_png":
            kwargs[f.name] = base64.b64decode(raw) if raw else None
        elif f.name in ("idle_lock_minutes", "pdmp_interval_days", "smtp_port"):
            kwargs[f.name] = int(raw)
        elif f.name == "closure_dates":
            kwargs[f.name] = tuple(date.fromisoformat(d) for d in json.loads(raw))
        else:
            kwargs[f.name] = raw
    return ClinicSettings(**kwargs)


def pdmp_interval_of(session: Session) -> int:
    """The PDMP check interval alone: a chart read needs this one setting, not every row
    (the logo is up to 2 MB of base64 decoded on each load_settings)."""
    raw = session.scalar(select(Setting.value).where(Setting.key == "pdmp_interval_days"))
    return int(raw) if raw is not None else ClinicSettings.pdmp_interval_days


def get_settings(db: Database) -> ClinicSettings:
    """Clinic settings; not patient data, so any signed-in user may read them."""
    # A direct session: no patient data to audit, and the sign-in screen reads them unsigned.
    with db.session() as session:
        return load_settings(session)


def validate_settings(settings: ClinicSettings) -> ClinicSettings:
    logo = settings.logo_png
    if logo is not None:
        if not isinstance(logo, bytes | bytearray) or not logo.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValidationError("logo_png", "the logo must be a PNG image")
        if len(logo) > MAX_LOGO_BYTES:
            raise ValidationError("logo_png", "the logo must be at most 2 MB")
    if settings.paper_size not in PAPER_SIZES:
        raise ValidationError("paper_size", "must be letter or a4")
    if settings.date_format not in DATE_FORMATS:
        raise ValidationError("date_format", f"must be one of {', '.join(DATE_FORMATS)}")
    if not isinstance(settings.targets, Targets):
        raise ValidationError("targets", "must be time targets")
    country = (v.text(settings.holiday_country, "holiday_country", max_length=8) or "").upper()
    subdivision = (
        v.text(settings.holiday_subdivision, "holiday_subdivision", max_length=8) or ""
    ).upper()
    if not country:
        raise ValidationError("holiday_country", "choose the clinic's country (for example US)")
    workflow.check_holiday_region(country, subdivision)
    closures = []
    for raw in settings.closure_dates:
        day = v.a_date(raw, "closure_dates")
        if day is not None:
            closures.append(day)
    relay = validate_relay(settings)
    return replace(
        relay,
        clinic_name=v.required_text(settings.clinic_name, "clinic_name", max_length=160),
        address=v.text(settings.address, "address", max_length=400, multiline=True) or "",
        phone=v.phone(settings.phone) or "",
        fax=v.phone(settings.fax, "fax") or "",
        email=v.email(settings.email) or "",
        idle_lock_minutes=v.integer(
            settings.idle_lock_minutes, "idle_lock_minutes", minimum=1, maximum=240, required=True
        )
        or 5,
        pdmp_interval_days=v.integer(
            settings.pdmp_interval_days,
            "pdmp_interval_days",
            minimum=monitoring.MIN_PDMP_INTERVAL_DAYS,
            maximum=monitoring.MAX_PDMP_INTERVAL_DAYS,
            required=True,
        )
        or monitoring.DEFAULT_PDMP_INTERVAL_DAYS,
        holiday_country=country,
        holiday_subdivision=subdivision,
        closure_dates=tuple(sorted(set(closures))),
    )


def fax_address(pattern: str, number: str) -> str:
    """The e-mail address that faxes ``number``: its digits put into the gateway pattern
    (``{fax}@fax.example.net`` and ``(503) 555-0201`` give ``5035550201@fax.example.net``)."""
    digits = "".join(c for c in number if c.isdigit())
    if not digits:
        raise ValidationError("fax", "the recipient has no fax number")
    return pattern.replace(FAX_PLACEHOLDER, digits)


def validate_relay(settings: ClinicSettings) -> ClinicSettings:
    """The relay settings, checked: a host name, a port, TLS required, a sender address,
    a fax pattern holding ``{fax}``. Blank host means letters are not sent by e-mail.

    Raises:
        ValidationError: naming the field (``smtp_security`` for anything but TLS).
    """
    security = str(settings.smtp_security or "").strip().lower()
    if security not in SMTP_SECURITY:
        raise ValidationError(
            "smtp_security",
            "must be STARTTLS or implicit TLS; letters are never sent over plain text",
        )
    host = (v.text(settings.smtp_host, "smtp_host", max_length=253) or "").lower()
    if host and not HOST_RE.match(host):
        raise ValidationError("smtp_host", "give the relay's host name only (smtp.example.org)")
    port = v.integer(settings.smtp_port, "smtp_port", minimum=1, maximum=65535, required=True)
    user = v.text(settings.smtp_user, "smtp_user", max_length=254) or ""
    sender = v.email(settings.sender_address, "sender_address") or ""
    if host and not sender:
        raise ValidationError("sender_address", "letters need a sender address")
    gateway = v.text(settings.fax_gateway, "fax_gateway", max_length=254) or ""
    if gateway:
        if gateway.count(FAX_PLACEHOLDER) != 1:
            raise ValidationError(
                "fax_gateway", "must hold {fax} once, for example {fax}@fax.example.net"
            )
        v.email(fax_address(gateway, "5035550100"), "fax_gateway")
    return replace(
        settings,
        smtp_host=host,
        smtp_port=port or SMTP_DEFAULT_PORT[security],
        smtp_security=security,
        smtp_user=user,
        sender_address=sender,
        fax_gateway=gateway,
    )


@service
def save_settings(db: Database, actor: Actor, settings: ClinicSettings) -> ClinicSettings:
    require(actor, Action.MANAGE_SETTINGS)
    clean = validate_settings(settings)
    with unit_of_work(db, actor, write=True) as uow:
        existing = {s.key: s for s in uow.session.scalars(select(Setting))}
        changed = []
        for key, value in encode_settings(clean).items():
            row = existing.get(key)
            if row is None:
                uow.session.add(Setting(key=key, value=value))
                changed.append(key)
            elif row.value != value:
                row.value = value
                changed.append(key)
        if changed:
            uow.audit("update", "Settings", detail=", ".join(changed))
        uow.commit()
    return clean

"""The demo clinic's directory, accounts and settings."""

from __future__ import annotations

from datetime import date, timedelta

from carecoord.clinical.vocabulary import (
    Discipline,
    UserRole,
)
from carecoord.demo import clinic
from carecoord.demo.common import hash_password, sv
from carecoord.demo.state import BuilderState, Member
from carecoord.services.settings import encode_settings
from carecoord.services.validation import search_key

D = Discipline


class DirectorySteps(BuilderState):
    """Team members, the demo accounts and the clinic settings."""

    def team(self) -> None:
        rng, sink, today = self.rng, self.sink, self.today
        soon = {2: 17, 9: 41, 19: 55}  # board certifications expiring within 60 days
        expired = {13: -23}
        created = today - timedelta(days=900)
        for index, spec in enumerate(clinic.MEMBERS):
            member_id = self.next_id("team_members")
            internal = spec.organisation is None
            nn = 2 + index * 2
            ascii_given = search_key(spec.given).replace(" ", "")
            ascii_family = search_key(spec.family).replace(" ", "")
            if internal:
                phone = f"{clinic.CLINIC_PHONE} ext {200 + index}"
                fax = clinic.CLINIC_FAX
                email = f"{ascii_given}.{ascii_family}@{clinic.CLINIC_DOMAIN}"
                address = clinic.CLINIC_ADDRESS
                organisation = clinic.CLINIC_ORGANISATION
            else:
                organisation = spec.organisation or ""
                slug = search_key(organisation).replace(" ", "-")
                phone = f"(503) 555-01{nn:02d}"
                fax = f"(503) 555-01{nn + 1:02d}"
                email = f"{ascii_given[0]}{ascii_family}@{slug}.example.com"
                street = clinic.STREETS[index % len(clinic.STREETS)]
                city, state, zip_code = clinic.CITIES[index % len(clinic.CITIES)]
                address = f"{100 + index * 37} {street}\n{city}, {state} {zip_code}"
            expires: date | None = None
            if spec.board:
                offset = soon.get(index, expired.get(index))
                if offset is None:
                    offset = rng.between(120, 2400)
                expires = today + timedelta(days=offset)
            sink.rows["team_members"].append(
                (
                    member_id,
                    spec.family,
                    spec.given,
                    spec.credentials,
                    sv(spec.discipline),
                    spec.specialty,
                    organisation,
                    spec.board,
                    sink.day(expires),
                    phone,
                    fax,
                    email,
                    address,
                    internal,
                    spec.active,
                    spec.notes,
                    *self.versioned(created),
                )
            )
            suffix = f", {spec.credentials}" if spec.credentials else ""
            member = Member(
                member_id, spec.discipline, f"{spec.given} {spec.family}{suffix}", spec.active
            )
            self.members.append(member)
            if spec.active:
                self.by_discipline[spec.discipline].append(member)

    def users(self, existing: set[str]) -> None:
        password_hash = hash_password()  # argon2 is slow on purpose: hash once
        coordinator = self.members[0].id
        psychologist = next(m.id for m in self.members if m.discipline == D.PSYCHOLOGY)
        accounts = (
            ("admin", "Clinic Administrator (demo)", UserRole.ADMINISTRATOR, None),
            ("drlee", "Hana Lee", UserRole.PHYSICIAN, coordinator),
            ("therapist", "Marisol Vega", UserRole.CLINICIAN, psychologist),
            ("frontdesk", "Front Desk (demo)", UserRole.FRONT_DESK, None),
        )
        created = self.today - timedelta(days=900)
        for username, full_name, role, member_id in accounts:
            if username in existing:
                continue
            user_id = self.next_id("users")
            self.user_ids[username] = user_id
            self.sink.rows["users"].append(
                (
                    user_id,
                    username,
                    full_name,
                    password_hash,
                    sv(role),
                    member_id,
                    True,
                    0,
                    *self.versioned(created),
                )
            )

    def settings(self) -> None:
        for key, value in encode_settings(clinic.clinic_settings()).items():
            self.sink.rows["settings"].append((key, value))

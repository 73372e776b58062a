"""The referral letter's words: section headings in print order (docs/clinical-reference.md
§3), the confidentiality notice and the 42 CFR Part 2 statements."""

from __future__ import annotations

# Section headings in the order docs/clinical-reference.md §3 prints them; tests check this order.
PATIENT = "Patient"
URGENCY = "Urgency"
REASON = "Reason for referral and question"
REHABILITATION = "Rehabilitation focus: function"
PSYCHIATRY = "Psychiatry focus: mood, risk and psychotropics"
HEADACHE = "Headache profile"
DIAGNOSES = "Problems: relevant history and active diagnoses"
MEDICATIONS = "Current medications"
ALLERGIES = "Allergies and intolerances"
SCORES = "Relevant results: outcome scores"
PAIN_DRAWING = "Pain drawing"
RESULTS = "Relevant results: opioid-therapy monitoring"
PLAN = "Plan of treatment"
TREATMENTS = "Treatments tried and their effect"
PATIENT_TOLD = "What the patient has been told"
AUTHORIZATION = "Authorization"
PART2 = "Substance-use records: 42 CFR Part 2"
ENCLOSURES = "Enclosures"
SECTION_ORDER = (
    PATIENT,
    URGENCY,
    REASON,
    REHABILITATION,
    PSYCHIATRY,
    HEADACHE,
    DIAGNOSES,
    MEDICATIONS,
    ALLERGIES,
    SCORES,
    PAIN_DRAWING,
    RESULTS,
    PLAN,
    TREATMENTS,
    PATIENT_TOLD,
    AUTHORIZATION,
    PART2,
    ENCLOSURES,
)
CONFIDENTIAL = (
    "CONFIDENTIAL: this letter holds protected health information for the named recipient "
    "only. If it reached you in error, please tell {clinic}{phone} and destroy it; do "
    "not copy or forward it."
)
NONE_RECORDED = "None recorded."
NOT_INCLUDED = "Not included in this letter:"
# 42 CFR 2.32(a)(2), the short statement the rule allows with each disclosure made with
# the patient's written consent (docs/clinical-reference.md §3).
PART2_STATEMENT = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
PART2_EXPLANATION = (
    "This letter discloses substance-use-disorder information received from a program "
    "covered by 42 CFR Part 2, with the patient's written consent on file at the clinic. "
    "A general authorization to release medical information does not permit you to pass "
    "it on."
)

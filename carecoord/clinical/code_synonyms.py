"""Words pain clinicians type for a diagnosis, mapped to the ICD-10-CM codes they mean.

The official titles miss the clinic's vocabulary ("CRPS", "failed back surgery
syndrome", "long-term opioid use", "medication overuse headache"), so the code picker
also searches this table (docs/clinical-reference.md §7). Each group lists the words
and abbreviations for one idea and the codes in the order a pain clinic usually wants
them: the usual code first. A code written without its last characters ("G90.5")
stands for every billable code under it, in code order, after the codes named before
it. Terms of up to five letters without a space are abbreviations and match only when
typed whole ("oud", "crps"), so they never capture the start of an ordinary word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    """Terms for one clinical idea and its ICD-10-CM codes, usual code first."""

    terms: tuple[str, ...]
    codes: tuple[str, ...]


def _g(terms: str, codes: str) -> SynonymGroup:
    return SynonymGroup(tuple(t.strip() for t in terms.split("|")), tuple(c for c in codes.split()))


# Sources for the mappings: the ICD-10-CM Alphabetic Index and Tabular List (FY2026,
# the code set simple-icd-10-cm ships); where the index offers several codes, the first
# is the one a pain clinic records most often.
SYNONYM_GROUPS: Final[tuple[SynonymGroup, ...]] = (
    # --- chronic pain, G89 ----------------------------------------------------------
    _g("chronic pain syndrome | cps", "G89.4 G89.29"),
    _g("chronic pain | persistent pain | chronic pain management", "G89.29 G89.4"),
    _g(
        "cancer pain | cancer related pain | cancer-related pain | tumor pain | tumour pain"
        " | malignant pain | oncologic pain | neoplasm related pain",
        "G89.3",
    ),
    _g(
        "central pain | central pain syndrome | central post-stroke pain"
        " | thalamic pain syndrome | dejerine roussy",
        "G89.0",
    ),
    _g("post-thoracotomy pain | post thoracotomy pain syndrome", "G89.22 G89.12"),
    _g(
        "chronic postsurgical pain | chronic post-surgical pain | postsurgical pain"
        " | post-surgical pain | chronic postoperative pain | post mastectomy pain syndrome"
        " | post-mastectomy pain | pmps | post-herniorrhaphy pain",
        "G89.28 G89.18",
    ),
    _g(
        "acute postoperative pain | postoperative pain | postop pain | post-op pain",
        "G89.18 G89.28",
    ),
    _g(
        "chronic pain due to trauma | post-traumatic pain | posttraumatic pain",
        "G89.21 G89.11",
    ),
    _g("acute pain | acute pain due to trauma", "G89.11 G89.18"),
    _g(
        "generalized pain | generalised pain | widespread pain | body aches | pain unspecified",
        "R52 M79.7",
    ),
    _g("chronic widespread pain | cwp", "M79.7 R52"),
    # --- CRPS ---------------------------------------------------------------------
    _g(
        "complex regional pain syndrome | crps | crps 1 | crps i | crps type 1"
        " | crps type i | reflex sympathetic dystrophy | rsd | sudeck atrophy"
        " | sudeck's atrophy | algodystrophy | algoneurodystrophy | shoulder hand syndrome",
        "G90.50 G90.5",
    ),
    _g(
        "crps 2 | crps ii | crps type 2 | crps type ii | causalgia"
        " | complex regional pain syndrome 2 | complex regional pain syndrome ii",
        "G56.40 G57.70 G56.4 G57.7",
    ),
    # --- spine -------------------------------------------------------------------
    _g(
        "low back pain | lbp | lower back pain | lumbago | lumbar pain | lumbalgia"
        " | back pain | lumbar back pain | chronic low back pain | clbp",
        "M54.50 M54.51 M54.59",
    ),
    _g(
        "vertebrogenic low back pain | vertebrogenic pain | basivertebral nerve pain"
        " | modic changes",
        "M54.51",
    ),
    _g(
        "neck pain | cervicalgia | cervical pain | cervical spine pain | chronic neck pain",
        "M54.2",
    ),
    _g(
        "thoracic back pain | thoracic spine pain | mid back pain | middle back pain"
        " | upper back pain | thoracalgia",
        "M54.6",
    ),
    _g("dorsalgia | spine pain | spinal pain", "M54.9 M54.89"),
    _g("sciatica", "M54.30 M54.31 M54.32"),
    _g(
        "lumbago with sciatica | low back pain with sciatica | back pain with sciatica",
        "M54.40 M54.41 M54.42",
    ),
    _g(
        "lumbar radiculopathy | lumbar radicular pain | radicular leg pain"
        " | lumbar radiculitis | l5 radiculopathy | s1 radiculopathy",
        "M54.16 M54.17 M51.16",
    ),
    _g("lumbosacral radiculopathy", "M54.17 M54.16"),
    _g("radiculopathy | radicular pain | radiculitis", "M54.10 M54.16 M54.12"),
    _g(
        "cervical radiculopathy | cervical radicular pain | cervical radiculitis",
        "M54.12 M50.10 M50.1",
    ),
    _g("thoracic radiculopathy", "M54.14"),
    _g(
        "herniated disc | herniated disk | disc herniation | disk herniation | hnp"
        " | herniated nucleus pulposus | slipped disc | bulging disc | disc protrusion"
        " | lumbar disc herniation | disc displacement",
        "M51.26 M51.16 M51.27",
    ),
    _g(
        "cervical disc herniation | cervical herniated disc | cervical disc displacement",
        "M50.20 M50.10",
    ),
    _g(
        "degenerative disc disease | ddd | disc degeneration | disk degeneration"
        " | lumbar ddd | lumbar degenerative disc disease | discogenic pain"
        " | discogenic back pain",
        "M51.360 M51.369 M51.362 M51.370 M51.36 M51.37",
    ),
    _g(
        "cervical degenerative disc disease | cervical ddd | cervical disc degeneration",
        "M50.30",
    ),
    _g(
        "facet arthropathy | facet syndrome | facet joint pain | facet pain"
        " | lumbar facet arthropathy | lumbar facet syndrome | zygapophyseal joint pain"
        " | lumbar spondylosis | facet joint arthritis",
        "M47.816 M47.817",
    ),
    _g(
        "cervical facet arthropathy | cervical facet syndrome | cervical facet pain"
        " | cervical spondylosis",
        "M47.812",
    ),
    _g("spondylosis | spinal arthritis", "M47.816 M47.812 M47.817"),
    _g(
        "lumbar spinal stenosis | spinal stenosis | lss | lumbar stenosis"
        " | neurogenic claudication",
        "M48.061 M48.062",
    ),
    _g("cervical stenosis | cervical spinal stenosis", "M48.02"),
    _g("spondylolisthesis | lumbar spondylolisthesis", "M43.16 M43.17"),
    _g("spondylolysis | pars defect | pars fracture", "M43.06"),
    _g(
        "sacroiliac joint pain | si joint pain | sacroiliac joint dysfunction"
        " | si joint dysfunction | sij dysfunction | sij pain | sacroiliac pain",
        "M53.3 M46.1 M53.2X8",
    ),
    _g("sacroiliitis", "M46.1 M53.3"),
    _g("coccydynia | coccygodynia | tailbone pain | coccyx pain", "M53.3"),
    _g(
        "failed back surgery syndrome | fbss | failed back syndrome"
        " | post laminectomy syndrome | post-laminectomy syndrome | postlaminectomy syndrome"
        " | post laminectomy pain | post-laminectomy pain | failed neck surgery syndrome"
        " | post spinal surgery syndrome | persistent spinal pain syndrome | psps",
        "M96.1",
    ),
    _g(
        "vertebral compression fracture | compression fracture | vcf"
        " | osteoporotic compression fracture | osteoporotic vertebral fracture",
        "M80.08XA M48.56XA M48.50XA",
    ),
    _g("whiplash | whiplash injury | neck sprain", "S13.4XXA"),
    _g("lumbar sprain | back sprain", "S33.5XXA"),
    _g("muscle spasm of back | back spasm", "M62.830"),
    _g("ankylosing spondylitis | axial spondyloarthritis", "M45.9"),
    _g("scoliosis", "M41.9"),
    _g("arachnoiditis | adhesive arachnoiditis", "G03.9"),
    # --- neuropathic pain -----------------------------------------------------------
    _g(
        "neuropathic pain | nerve pain | neuralgia | neuritis | neurogenic pain"
        " | neuropathic pain syndrome",
        "M79.2 G62.9",
    ),
    _g(
        "peripheral neuropathy | polyneuropathy | neuropathy | peripheral neuropathic pain"
        " | small fiber neuropathy | small fibre neuropathy",
        "G62.9 M79.2",
    ),
    _g(
        "diabetic neuropathy | painful diabetic neuropathy | pdn | dpn"
        " | diabetic peripheral neuropathy | diabetic polyneuropathy"
        " | painful diabetic peripheral neuropathy | pdpn",
        "E11.42 E11.40 E10.42",
    ),
    _g(
        "postherpetic neuralgia | post-herpetic neuralgia | post herpetic neuralgia | phn"
        " | shingles pain | zoster neuralgia | herpes zoster neuralgia",
        "B02.29 B02.22 B02.23 B02.21 B02.24",
    ),
    _g("trigeminal neuralgia | tn | tic douloureux | tic doloureux", "G50.0 B02.22"),
    _g(
        "occipital neuralgia | greater occipital neuralgia | occipital nerve pain",
        "M54.81",
    ),
    _g("intercostal neuralgia | intercostal neuropathy", "G58.0"),
    _g("pudendal neuralgia | pudendal neuropathy", "G58.8"),
    _g("phantom limb pain | phantom pain | phantom limb syndrome", "G54.6 G54.7"),
    _g("carpal tunnel syndrome | cts | carpal tunnel", "G56.00 G56.01 G56.02 G56.03"),
    _g("meralgia paresthetica | meralgia paraesthetica", "G57.10 G57.11 G57.12"),
    _g("piriformis syndrome", "G57.00 G57.01 G57.02"),
    _g("thoracic outlet syndrome | tos | brachial plexopathy", "G54.0"),
    _g("multiple sclerosis | ms pain", "G35.D G35.A"),
    # --- headache -------------------------------------------------------------------
    _g("migraine", "G43.009 G43.109 G43.909"),
    _g("migraine without aura | common migraine", "G43.009 G43.019"),
    _g("migraine with aura | classic migraine | classical migraine", "G43.109 G43.119"),
    _g(
        "chronic migraine | transformed migraine",
        "G43.709 G43.719 G43.E09 G43.E19",
    ),
    _g("menstrual migraine | catamenial migraine", "G43.829 G43.839"),
    _g("hemiplegic migraine", "G43.409 G43.419"),
    _g("status migrainosus", "G43.901 G43.911"),
    _g(
        "medication overuse headache | medication-overuse headache | moh"
        " | rebound headache | analgesic rebound headache | analgesic overuse headache"
        " | drug-induced headache | drug induced headache",
        "G44.40 G44.41",
    ),
    _g(
        "tension-type headache | tension type headache | tension headache | tth",
        "G44.209 G44.229 G44.219",
    ),
    _g(
        "chronic tension-type headache | chronic tension type headache | ctth"
        " | chronic tension headache",
        "G44.229 G44.221",
    ),
    _g(
        "episodic tension-type headache | episodic tension type headache | etth",
        "G44.219 G44.211",
    ),
    _g("cluster headache", "G44.009 G44.019 G44.029"),
    _g(
        "trigeminal autonomic cephalalgia | trigeminal autonomic cephalgia | tac | tacs"
        " | sunct | suna",
        "G44.099 G44.009",
    ),
    _g("paroxysmal hemicrania", "G44.039 G44.049"),
    _g("hemicrania continua", "G44.51"),
    _g("new daily persistent headache | ndph", "G44.52"),
    _g(
        "post-traumatic headache | post traumatic headache | posttraumatic headache | pth"
        " | post-concussion headache | post concussion headache",
        "G44.309 G44.329 G44.319",
    ),
    _g(
        "post-concussion syndrome | post concussion syndrome | postconcussional syndrome | pcs",
        "F07.81",
    ),
    _g("cervicogenic headache", "G44.86"),
    _g(
        "post-dural puncture headache | post dural puncture headache | pdph"
        " | spinal headache | post lumbar puncture headache",
        "G97.1",
    ),
    _g("orthostatic headache | low pressure headache", "R51.0 G96.00"),
    _g("headache | cephalgia | cephalalgia | chronic daily headache | cdh", "R51.9 G44.209"),
    # --- joints, soft tissue, rheumatology -------------------------------------------
    _g(
        "knee osteoarthritis | knee oa | oa knee | osteoarthritis of knee | gonarthrosis"
        " | knee arthritis",
        "M17.0 M17.11 M17.12 M17.10 M17.9",
    ),
    _g(
        "hip osteoarthritis | hip oa | oa hip | osteoarthritis of hip | coxarthrosis"
        " | hip arthritis",
        "M16.0 M16.11 M16.12 M16.10 M16.9",
    ),
    _g(
        "osteoarthritis | oa | degenerative joint disease | djd | arthrosis",
        "M19.90 M17.9 M16.9",
    ),
    _g("knee pain", "M25.561 M25.562 M25.569"),
    _g("hip pain", "M25.551 M25.552 M25.559"),
    _g("shoulder pain", "M25.511 M25.512 M25.519"),
    _g("joint pain | arthralgia | polyarthralgia", "M25.50"),
    _g("leg pain | lower limb pain", "M79.606 M79.604 M79.605"),
    _g("arm pain | upper limb pain", "M79.603 M79.601 M79.602"),
    _g("limb pain | extremity pain", "M79.609"),
    _g("foot pain", "M79.673 M79.671 M79.672"),
    _g("hand pain", "M79.643 M79.641 M79.642"),
    _g("fibromyalgia | fms | fibrositis | fibromyalgia syndrome", "M79.7"),
    _g(
        "myofascial pain syndrome | myofascial pain | mps | trigger point pain"
        " | myofascial trigger points",
        "M79.18 M79.10 M62.838",
    ),
    _g("myalgia | muscle pain", "M79.10 M79.18"),
    _g(
        "greater trochanteric pain syndrome | gtps | trochanteric bursitis",
        "M70.60 M70.61 M70.62",
    ),
    _g("tennis elbow | lateral epicondylitis", "M77.10 M77.11 M77.12"),
    _g("golfer's elbow | golfers elbow | medial epicondylitis", "M77.00 M77.01 M77.02"),
    _g("plantar fasciitis | plantar fasciopathy", "M72.2"),
    _g("frozen shoulder | adhesive capsulitis", "M75.00 M75.01 M75.02"),
    _g("shoulder impingement | impingement syndrome", "M75.40 M75.41 M75.42"),
    _g(
        "rotator cuff tear | rotator cuff tendinopathy | rotator cuff syndrome",
        "M75.100 M75.101 M75.102",
    ),
    _g(
        "temporomandibular joint disorder | temporomandibular disorder | tmj | tmd"
        " | tmj disorder | tmj pain",
        "M26.609 M26.601 M26.602 M26.69",
    ),
    _g("jaw pain", "R68.84 M26.609"),
    _g("rheumatoid arthritis | ra", "M06.9"),
    _g("polymyalgia rheumatica | pmr", "M35.3"),
    _g("gout", "M10.9"),
    _g(
        "ehlers-danlos syndrome | ehlers danlos | eds | hypermobile eds | heds",
        "Q79.60 Q79.62",
    ),
    _g("osteoporosis", "M81.0"),
    _g("costochondritis | tietze syndrome | chest wall pain", "M94.0 R07.89"),
    # --- visceral and pelvic pain ------------------------------------------------------
    _g("abdominal pain | chronic abdominal pain | belly pain", "R10.9 R10.84"),
    _g("chronic pancreatitis", "K86.1"),
    _g("irritable bowel syndrome | ibs", "K58.9"),
    _g("chronic pelvic pain | cpp | pelvic pain", "R10.20 R10.2 N94.89"),
    _g("vulvodynia", "N94.819 N94.810 N94.818"),
    _g(
        "interstitial cystitis | painful bladder syndrome | bladder pain syndrome | ic/bps",
        "N30.10",
    ),
    _g("endometriosis", "N80.9"),
    _g("dysmenorrhea | dysmenorrhoea | period pain", "N94.6"),
    _g(
        "sickle cell crisis | sickle cell pain crisis | vaso-occlusive crisis | voc",
        "D57.00",
    ),
    # --- opioids and other substances ---------------------------------------------------
    _g(
        "long-term opioid use | long term opioid use | long-term opioid therapy"
        " | long term opioid therapy | long term opioid | ltot | chronic opioid therapy"
        " | chronic opioid use | long term opiate use | long-term opiate use"
        " | opioid maintenance therapy for pain",
        "Z79.891",
    ),
    _g(
        "opioid use disorder | oud | opioid addiction | opioid dependence"
        " | opioid use disorder moderate | opioid use disorder severe | opiate addiction"
        " | opiate dependence",
        "F11.20 F11.21 F11.10 F11.90 F11.23",
    ),
    _g("opioid use disorder mild | mild opioid use disorder | opioid abuse", "F11.10 F11.20"),
    _g(
        "opioid use disorder in remission | oud in remission",
        "F11.21 F11.11",
    ),
    _g("opioid withdrawal", "F11.23 F11.93 F11.13"),
    _g(
        "opioid induced constipation | opioid-induced constipation | oic",
        "K59.03 T40.2X5A",
    ),
    _g(
        "opioid induced hyperalgesia | opioid-induced hyperalgesia | oih | opioid adverse effect",
        "T40.2X5A G89.4",
    ),
    _g(
        "alcohol use disorder | aud | alcohol dependence | alcoholism",
        "F10.20 F10.10",
    ),
    _g(
        "benzodiazepine dependence | benzodiazepine use disorder | benzo dependence",
        "F13.20 F13.10",
    ),
    _g("cannabis use disorder | cannabis dependence", "F12.20 F12.10"),
    # --- mood, anxiety, sleep ------------------------------------------------------------
    _g("depression | depressive disorder", "F32.A F32.9 F33.9"),
    _g(
        "major depressive disorder | major depression | mdd",
        "F32.9 F33.9 F33.1 F32.A",
    ),
    _g(
        "generalized anxiety disorder | generalised anxiety disorder | gad",
        "F41.1",
    ),
    _g("anxiety", "F41.9 F41.1"),
    _g("post-traumatic stress disorder | ptsd | posttraumatic stress disorder", "F43.10 F43.12"),
    _g("insomnia", "G47.00 F51.01"),
    _g(
        "chronic fatigue syndrome | me/cfs | cfs | myalgic encephalomyelitis",
        "G93.32",
    ),
)
"""Every group, in the order ties between equally good matches are broken."""

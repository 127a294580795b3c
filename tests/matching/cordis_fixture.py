"""A tiny fictional folder in the CORDIS format (seeded generator; no real data)."""
from __future__ import annotations

import csv
import gzip
import random
from pathlib import Path

TOPICS = [
    ("speech recognition subtitles broadcast", "/23/47/297/937", "/natural sciences/computer and information sciences/artificial intelligence/speech recognition", "HORIZON-CL4-{y}-HUMAN-01-05"),
    ("fact checking disinformation newsrooms", "/23/47/297/940", "/natural sciences/computer and information sciences/artificial intelligence/natural language processing", "HORIZON-CL2-{y}-DEMOCRACY-01-02"),
    ("battery materials recycling", "/21/33/101", "/engineering and technology/materials engineering/batteries", "HORIZON-CL5-{y}-D2-01-03"),
]
KINDS = ["PRC", "HES", "REC", "PUB"]
CITIES = [("München", "DE212"), ("Nürnberg", "DE254"), ("Augsburg", "DE271"), ("Lyon", "FRK26"), ("Wien", "AT130")]


def write(folder: Path, seed: int = 7, n_orgs: int = 40, n_projects: int = 45) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    orgs = []
    for i in range(n_orgs):
        city, nuts = CITIES[i % len(CITIES)]
        orgs.append({"organisationID": str(900000000 + i), "name": f"Fiktiv Organisation {i} {city}",
                     "shortName": f"FO{i}", "activityType": KINDS[i % 4], "SME": str(i % 4 == 0).lower(),
                     "city": city, "country": nuts[:2], "nutsCode": nuts, "geolocation": "48.1,11.5",
                     "organizationURL": "", "firstSignature": "2022-01-01"})
    projects, parts, esv = [], [], []
    for p in range(n_projects):
        year = 2022 + (p // 3) % 3
        t = p % len(TOPICS)
        words, code, path, topic = TOPICS[t]
        pid = str(100000 + p)
        projects.append({"projectID": pid, "acronym": f"FIK{p}", "title": f"Fictional project on {words} {p}",
                         "ecSignatureDate": f"{year}-0{1 + p % 9}-15", "startDate": f"{year}-10-01",
                         "endDate": f"{year + 3}-09-30", "topic": topic.format(y=year), "topicTitle": words.title(),
                         "masterCall": "", "fundingScheme": "HORIZON-RIA", "keywords": words.replace(" ", ", "),
                         "objective": f"We study {words} with partners across Europe. " * 3, "totalCost": "1000000"})
        # Each topic has its own community of organisations, so history predicts partners.
        community = [o for o in range(n_orgs) if o % len(TOPICS) == t]
        members = rng.sample(community, k=min(len(community), rng.randint(3, 5)))
        for order, o in enumerate(members, start=1):
            parts.append({"projectID": pid, "organisationID": orgs[o]["organisationID"],
                          "role": "coordinator" if order == 1 else "participant", "order": str(order)})
        esv.append({"projectID": pid, "euroSciVocCode": code, "euroSciVocTitle": path.rsplit("/", 1)[-1],
                    "euroSciVocPath": path})
    for name, rows in (("organizations.csv.gz", orgs), ("projects.csv.gz", projects),
                       ("participations.csv.gz", parts), ("project_euroscivoc.csv.gz", esv)):
        with gzip.open(folder / name, "wt", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder

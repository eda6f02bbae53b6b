"""Benchmark: the participation dashboard's server time over 100,000 responses.

    python bench/dashboard.py [--responses 100000] [--repeat 7]

Seeds a fresh database (SQLite in a temporary folder, or DATABASE_URL), signs in a facilitator
and times GET of the dashboard through the WSGI app (server time: no network). Prints the median
and worst time, and the same for the survey landing page as a baseline in the same process.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import TestConfig  # noqa: E402
from engage import create_app  # noqa: E402
from engage.extensions import db  # noqa: E402


def seed(app, n_responses: int) -> int:
    from engage.auth.services import create_user
    from engage.engagements.models import Engagement, EngagementStatus, TargetDimension
    from engage.engagements.services import set_targets
    from engage.i18n import KNOWN_LANGUAGES
    from engage.surveys.loader import load_survey_file
    from engage.surveys.models import Answer, Response
    from engage.surveys.services import find_open_survey, import_surveys

    rng = random.Random(7)
    with app.app_context():
        db.drop_all()
        db.create_all()
        engagement = Engagement(slug="bench", name={"en": "Bench"}, status=EngagementStatus.OPEN)
        db.session.add(engagement)
        import_surveys(
            [
                load_survey_file(
                    Path(__file__).resolve().parents[1] / "surveys" / "graduate-profile.toml",
                    KNOWN_LANGUAGES,
                )
            ],
            engagement=engagement,
        )
        survey = find_open_survey("graduate-profile")
        questions = {q.key: q for q in survey.questions}
        set_targets(
            engagement,
            {
                TargetDimension.LANGUAGE: {
                    code: rng.randint(300, 9000) for code in KNOWN_LANGUAGES
                },
                TargetDimension.SCHOOL: {"westview-high": 4000, "eastside-high": 3500},
            },
            actor=None,
        )
        create_user("bench@district.org", "bench password 123", "facilitator")
        db.session.commit()
        languages = list(KNOWN_LANGUAGES)
        roles = ["parent", "student", "staff", "community", None]
        schools = [
            "lincoln-elementary",
            "riverside-elementary",
            "jefferson-middle",
            "westview-high",
            "eastside-high",
            None,
        ]
        start = datetime.now(UTC) - timedelta(days=60)
        batch = 5000
        for offset in range(0, n_responses, batch):
            rows = [
                {
                    "survey_id": survey.id,
                    "language": rng.choice(languages),
                    "submitted_at": start + timedelta(minutes=rng.randint(0, 60 * 24 * 60)),
                    "source": "web",
                    "receipt_code": f"B{offset + i:09d}",
                    "submission_token": f"{offset + i:032x}",
                    "role": rng.choice(roles),
                    "school": rng.choice(schools),
                    "home_language": None,
                }
                for i in range(min(batch, n_responses - offset))
            ]
            db.session.execute(Response.__table__.insert(), rows)
            first_id = db.session.scalar(
                db.select(db.func.min(Response.id)).where(
                    Response.receipt_code == rows[0]["receipt_code"]
                )
            )
            db.session.execute(
                Answer.__table__.insert(),
                [
                    {
                        "response_id": first_id + i,
                        "question_id": questions["hopes"].id,
                        "text": "Think for themselves and manage money",
                    }
                    for i in range(len(rows))
                ],
            )
            db.session.commit()
        return engagement.id


def timed(client, url: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="engage-bench-")
    uri = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
    app = create_app(
        TestConfig,
        {
            "INSTANCE_PATH": folder,
            "SQLALCHEMY_DATABASE_URI": uri,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        },
    )
    began = time.perf_counter()
    engagement_id = seed(app, args.responses)
    print(
        f"seeded {args.responses:,} responses in {time.perf_counter() - began:.1f} s "
        f"({uri.split(':')[0]})"
    )
    client = app.test_client()
    client.post(
        "/staff/sign-in", data={"email": "bench@district.org", "password": "bench password 123"}
    )
    dashboard = timed(client, f"/staff/review/engagements/{engagement_id}", args.repeat)
    baseline = timed(client, "/en/", args.repeat)
    print(f"{'page':<28}{'median ms':>12}{'worst ms':>12}")
    for name, times in (("dashboard", dashboard), ("landing page (baseline)", baseline)):
        print(f"{name:<28}{statistics.median(times) * 1000:>12.1f}{max(times) * 1000:>12.1f}")
    print(
        f"dashboard / baseline: {statistics.median(dashboard) / statistics.median(baseline):.1f}x"
    )


if __name__ == "__main__":
    main()

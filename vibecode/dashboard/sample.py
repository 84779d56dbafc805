"""Representative data for tests, screenshots and benchmarks: a course, a minute of traffic."""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibecode.course.manifest import BenchScenario, BenchTarget, Course, RequestSpec, Step
from vibecode.tap.events import LagEvent, RequestEvent, TapEvent

if TYPE_CHECKING:
    from vibecode.live.plan import StepPlan


def sample_course(root: Path = Path("/nonexistent/steps")) -> Course:
    """A small in-memory course for tests and screenshots (its folders need not exist)."""

    def step(number: int, slug: str, title: str, goal: str, minutes: int, **extra: Any) -> Step:
        return Step(
            number=number,
            slug=slug,
            directory=root / f"{number:02d}-{slug}",
            title=title,
            goal=goal,
            minutes=minutes,
            talking_points=extra.get("points", ("Say what we build next.",)),
            tests=(),
            delete=(),
            demos=tuple(extra.get("demos", ())),
            benches=tuple(extra.get("benches", ())),
        )

    health = RequestSpec(name="health", method="GET", path="/health", note="the app is alive")
    register = RequestSpec(
        name="register",
        method="POST",
        path="/users/register",
        expect=(201,),
        note="201 Created",
    )
    login = RequestSpec(name="login", method="POST", path="/users/login", note="a token")
    blocking = BenchScenario(
        name="blocking-vs-async",
        title="await asyncio.sleep vs time.sleep in async def",
        a=BenchTarget(label="await", method="GET", path="/demo/async-sleep?ms=50"),
        b=BenchTarget(label="blocking", method="GET", path="/demo/blocking-sleep?ms=50"),
        probe="/health",
    )
    hashing = BenchScenario(
        name="hashing-on-vs-off-loop",
        title="Argon2 inside async def vs in a thread",
        a=BenchTarget(label="off-loop", method="POST", path="/demo/hash-off-loop"),
        b=BenchTarget(label="on-loop", method="POST", path="/demo/hash-on-loop"),
        concurrency=8,
    )
    return Course(
        root=root,
        steps=(
            step(1, "skeleton", "A FastAPI skeleton", "GET /health answers 200", 5, demos=[health]),
            step(2, "database", "Async SQLAlchemy 2.0", "The app talks to SQLite", 10),
            step(
                3,
                "register",
                "Register users",
                "POST /users/register answers 201",
                10,
                points=(
                    "Schemas: UserCreate in, UserPublic out.",
                    "Hash the password in a thread: it blocks the loop.",
                    "If 422: show the validation error body.",
                ),
                demos=[health, register, login],
            ),
            step(
                4,
                "blocking",
                "Do not block the event loop",
                "See the loop lag jump under time.sleep",
                8,
                benches=[blocking, hashing],
            ),
            step(5, "posts", "Posts and eager loading", "GET /posts without N+1 queries", 12),
        ),
    )


def sample_traffic(now: float, *, seed: int = 7) -> list[TapEvent]:
    """A minute of tap events ending at `now`: steady traffic, then a blocking endpoint's spike."""
    rng = random.Random(seed)
    paths = [
        ("GET", "/health", 200),
        ("GET", "/posts", 200),
        ("GET", "/posts/42", 200),
        ("POST", "/users/login", 200),
        ("POST", "/users/register", 201),
        ("GET", "/posts/999", 404),
        ("POST", "/users/register", 422),
        ("GET", "/demo/blocking-sleep?ms=50", 200),
    ]
    events: list[TapEvent] = []
    start = int(now) - 60
    for second in range(60):
        blocking = 47 <= second < 57
        count = 12 if blocking else 30 + rng.randrange(40) + second
        for index in range(count):
            method, path, status = paths[rng.randrange(len(paths) - 1)]
            if blocking and index % 2 == 0:
                method, path, status = paths[-1]
            if second == 55 and index == 0:
                status = 500
            base = 900.0 if blocking else 4.0
            events.append(
                RequestEvent(
                    t=start + second + index / count,
                    method=method,
                    path=path,
                    status=status,
                    ms=round(base * (0.5 + rng.random()) + rng.random() * 3, 2),
                    bytes=120,
                    client="127.0.0.1",
                    pid=4242,
                )
            )
        lag = 480.0 + rng.random() * 400 if blocking else 0.4 + rng.random()
        events.append(LagEvent(t=start + second + 0.5, ms=round(lag, 2), pid=4242))
    return events


SAMPLE_MAIN_BEFORE = '''"""The FastAPI application."""

from fastapi import FastAPI

app = FastAPI(title="Vibecoding")


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
'''
SAMPLE_MAIN_AFTER = '''"""The FastAPI application."""

from fastapi import FastAPI

from app.api import users

app = FastAPI(title="Vibecoding: users sign up here")
app.include_router(users.router)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
'''
SAMPLE_USERS = '''"""POST /users/register."""

from fastapi import APIRouter

router = APIRouter(prefix="/users", tags=["users"])


@router.post("/register", status_code=201)
async def register(email: str) -> dict[str, str]:
    """Create a user; 201 with its public id."""
    return {"email": email}
'''


def sample_plan(number: int) -> StepPlan:
    """A small typing plan for tests and screenshots: a new router, then main.py includes it."""
    from vibecode.live.plan import plan_from_texts

    return plan_from_texts(
        number,
        "Register users",
        [
            ("app/api/users.py", None, SAMPLE_USERS),
            ("app/main.py", SAMPLE_MAIN_BEFORE, SAMPLE_MAIN_AFTER),
        ],
    )

"""The FastAPI application: `uvicorn app.main:app`."""

from fastapi import FastAPI

app = FastAPI(title="FastAPI SQLAlchemy Async Vibecoding")


@app.get("/health")
async def health() -> dict[str, str]:
    """Answer 200 while the app is up."""
    return {"status": "ok"}

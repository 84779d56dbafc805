"""The FastAPI application: `uvicorn app.main:app`."""

from fastapi import FastAPI

from app.core.headers import SecurityHeadersMiddleware

app = FastAPI(title="FastAPI SQLAlchemy Async Vibecoding")
app.add_middleware(SecurityHeadersMiddleware)  # no sniffing, no framing, no referrer


@app.get("/health")
async def health() -> dict[str, str]:
    """Answer 200 while the app is up."""
    return {"status": "ok"}

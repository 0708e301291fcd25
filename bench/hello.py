"""The bare Flask endpoint every figure is compared with, served by the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Answer the smallest possible response."""
    return "Hello, World!"

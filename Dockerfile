FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml ./
COPY app.py ./
COPY bot ./bot
COPY dialogs ./dialogs
COPY knowledge ./knowledge
COPY integrations ./integrations
COPY alembic.ini* ./
RUN pip install --no-cache-dir .
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["python", "-m", "uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]

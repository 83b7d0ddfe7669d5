# One image for web, worker and beat (docker-compose.yml runs the Procfile's command lines).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# The packages from the production lock, each file checked against its hash (`make lock` writes it);
# a layer of its own, rebuilt only when the lock changes.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt
COPY . .

# The project itself without dependencies (the lock brought them), editable: settings find
# templates/, static/ and locale/ beside the package, here in /app.
# collectstatic needs settings that load, not a reachable database.
RUN pip install --no-deps -e . \
    && DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
       DATABASE_URL=postgres://unused@localhost/unused \
       python manage.py collectstatic --noinput \
    && useradd --system --no-create-home --home-dir /app hrddp \
    && mkdir -p var/mail \
    && chown -R hrddp var

USER hrddp
# The Procfile's gunicorn command line binds where GUNICORN_CMD_ARGS says: here, every interface.
ENV GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000"
EXPOSE 8000
CMD ["gunicorn", "hrddp.wsgi", "--workers", "2", "--threads", "4", "--access-logfile", "-", \
     "--control-socket", "var/gunicorn.ctl"]

"""Who made a change outside a web request: management commands and Celery tasks name
themselves in the history context, as pghistory's middleware names the user and the URL."""

import pghistory
from celery.signals import task_postrun, task_prerun
from django.core.management.base import BaseCommand

# Commands that serve or wrap other processes: their own context would say nothing.
UNNAMED_COMMANDS = frozenset({"runserver", "test", "testserver", "dbshell"})

_open_task_contexts = {}


def name_management_commands():
    """Run every management command inside ``pghistory.context(command=<name>)``.

    Django offers no hook around a command, so ``BaseCommand.execute`` is wrapped once.
    """
    if getattr(BaseCommand.execute, "_pghistory_named", False):
        return
    execute = BaseCommand.execute

    def named_execute(self, *args, **options):
        name = type(self).__module__.rsplit(".", 1)[-1]
        if name in UNNAMED_COMMANDS:
            return execute(self, *args, **options)
        with pghistory.context(command=name):
            return execute(self, *args, **options)

    named_execute._pghistory_named = True
    BaseCommand.execute = named_execute


@task_prerun.connect
def _enter_task_context(task_id=None, task=None, **kwargs):
    context = pghistory.context(task=task.name)
    context.__enter__()
    _open_task_contexts[task_id] = context


@task_postrun.connect
def _exit_task_context(task_id=None, **kwargs):
    context = _open_task_contexts.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)

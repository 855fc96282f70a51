"""Test speed only: compile each Jinja template once for every run, not once per worker.

Ansible forks one worker per host and task, and each worker compiles the templates of its
task (arguments, conditions, loops) to Python code again: what one worker compiled is lost
when it exits. Compiling was about a sixth of the controller's CPU in a bad_input case (py-spy),
and the controller's CPU is most of `make test`'s time on two cores. This plugin keeps the
compiled code on disk, in .cache/templates, so each template is compiled once, by the first
worker that needs it, for every later worker and run.

The key is everything the code depends on: the template's source (or, for an expression,
its source and how it is compiled), its name and file name, the environment's delimiters and
settings, the compile-time backslash escaping, and the versions of Ansible, Jinja and
Python. A template that does not compile is never cached (its error is raised as before).
Ansible's behaviour is otherwise untouched: the same code object runs.

The molecule scenarios and tests/bad_input enable it beside fork_friendly
(.config/molecule/config.yml, tests/bad_input/bad_input.py); the collection's playbooks never
depend on it. TEMPLATE_CACHE_DIR moves the cache.
"""

from __future__ import annotations

import contextvars
import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path

import jinja2
from ansible import release
from ansible._internal._templating import _jinja_bits
from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
    name: template_cache
    type: aggregate
    short_description: Keep compiled Jinja templates on disk for every worker and run
    description:
      - Test speed only. Compiled template code is cached in .cache/templates (or
        TEMPLATE_CACHE_DIR), keyed by the source and everything its compilation depends on.
"""

PROJECT = Path(__file__).resolve().parents[3]
CACHE = Path(os.environ.get("TEMPLATE_CACHE_DIR") or PROJECT / ".cache" / "templates")
VERSIONS = (release.__version__, jinja2.__version__, sys.version)
# The source of the expression compile_expression is compiling (it hands compile() a tree).
_expression = contextvars.ContextVar("template_cache_expression", default=None)

_compile = _jinja_bits.AnsibleEnvironment.compile
_compile_expression = _jinja_bits.AnsibleEnvironment.compile_expression


def _key(env, source, name, filename, defer_init) -> str | None:
    if isinstance(source, str):
        what = ("template", source)
    elif (expression := _expression.get()) is not None:
        what = ("expression", *expression)
    else:
        return None
    context = _jinja_bits._TemplateCompileContext.current(optional=True)
    settings = tuple(getattr(env, field) for field in _jinja_bits._TEMPLATE_OVERRIDE_FIELD_NAMES)
    return hashlib.sha256(
        repr(
            (
                VERSIONS,
                type(env).__qualname__,
                what,
                name,
                filename,
                defer_init,
                settings,
                context.escape_backslashes if context else None,
                env.optimized,
                env.autoescape,
                env.is_async,
            )
        ).encode()
    ).hexdigest()


def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
    plain = not raw and not self._debuggable_template_source
    key = _key(self, source, name, filename, defer_init) if plain else None
    if key is None:
        return _compile(self, source, name, filename, raw, defer_init)
    path = CACHE / key[:2] / key
    try:
        return marshal.loads(path.read_bytes())  # noqa: S302 - our own cache, written below
    except (OSError, EOFError, ValueError, TypeError):
        pass
    code = _compile(self, source, name, filename, raw, defer_init)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(marshal.dumps(code))
        os.replace(temporary, path)
    except OSError:
        pass
    return code


def compile_expression(self, source, *args, **kwargs):
    token = _expression.set((source, repr(args), repr(sorted(kwargs.items()))))
    try:
        return _compile_expression(self, source, *args, **kwargs)
    finally:
        _expression.reset(token)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "template_cache"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs) -> None:
        # Ansible imports every callback plugin it finds; only an enabled one is made, and
        # only then are templates cached. Before any worker is forked, so every one inherits it.
        super().__init__(*args, **kwargs)
        _jinja_bits.AnsibleEnvironment.compile = compile
        _jinja_bits.AnsibleEnvironment.compile_expression = compile_expression

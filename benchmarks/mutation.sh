#!/usr/bin/env bash
# Mutation testing of the modules that hold the domain rules (issue 13, part 5): mutmut 3 plants
# one small bug at a time (a comparison flipped, a number moved by one, an `and` made `or`, ...)
# inside the functions of these modules and runs, for each, the tests that call the mutated
# function; a mutant the tests let pass "survived". Prints killed/total per module.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/hrddp CELERY_BROKER_URL=redis://127.0.0.1:6379/1 \
#       benchmarks/mutation.sh [module ...]        # modules: rules risk workflow reminders monitoring routes
#
# Not run in CI: a full run took about 30 minutes on two shared cores (26 min for the five rule
# modules, 5 for the workflow; README.md, Benchmarks).
# Configuration in pyproject.toml ([tool.mutmut]): the files to mutate and the test files
# (tests/assessments/test_rules.py, ...) whose tests may kill a mutant. mutmut copies the project
# to mutants/ (git-ignored) and keeps its results there, so a second run only tests what changed;
# `rm -rf mutants` starts afresh. `mutmut show NAME` prints one mutant's diff; `mutmut browse`
# walks the survivors.
#
# The tests reuse one test database (pytest-django's --reuse-db): the first run creates it, each
# mutant then only opens it. Mutants run one at a time (--max-children 1) at low priority.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
MUTMUT=("$PYTHON" -c "import sys; from mutmut.__main__ import cli; sys.exit(cli())")
export DEBUG=${DEBUG:-1}
: "${DATABASE_URL:?set DATABASE_URL (its test database test_<name> is created once and reused)}"
CHILDREN=${MUTATION_CHILDREN:-1}

# Each module and the mutant names (mutmut's, by function) that belong to it. For queries.py, the
# functions that decide the record's routes, counts and flags (domain.md 3.2), not its paging,
# search or summaries; for workflow.py, the guards and the functions that decide who may take an
# action and what it does (not the assessment's copying between versions). The TRANSITIONS table
# is module-level code, which mutmut does not mutate: the hand-written state diagram test checks it.
declare -A PATTERNS=(
  [rules]="assessments.rules.*"
  [risk]="assessments.risk.*"
  [workflow]="$(printf 'assessments.workflow.x_%s__mutmut_* ' can_approve needs_conditions four_eyes policy_communicated record_decision no_open_intervention resumption_ready mark_suspended reopen_from_lapse holds_role needs_waiver waiver_needed open_intervention allowed_intervention_actions apply_intervention)"
  [reminders]="assessments.reminders.*"
  [monitoring]="assessments.monitoring.*"
  [routes]="hrddp.registry.queries.x_route_sql__mutmut_* hrddp.registry.queries.x__outside_record__mutmut_* hrddp.registry.queries.x__limited__mutmut_* hrddp.registry.queries.x__union_count__mutmut_* hrddp.registry.queries.x__summary_select__mutmut_* hrddp.registry.queries.x_records_of__mutmut_* hrddp.registry.queries.x_units_whose_record_holds__mutmut_* hrddp.registry.queries.xǁViolationQuerySetǁcountable_grave__mutmut_* hrddp.registry.queries.xǁViolationQuerySetǁrecent__mutmut_* hrddp.registry.queries.xǁViolationQuerySetǁin_record__mutmut_* hrddp.registry.queries.xǁViolationQuerySetǁin_whole_record__mutmut_* hrddp.registry.queries.xǁUnitRecordǁis_recent__mutmut_* hrddp.registry.queries.xǁUnitRecordǁis_recent_countable_grave__mutmut_*"
)
# The test files that exercise each module: a module's mutants are tested by these alone.
declare -A TESTS=(
  [rules]="tests/assessments/test_rules.py tests/assessments/test_rule_boundaries.py tests/assessments/test_trust_7_letters.py"
  [risk]="tests/assessments/test_rules.py tests/assessments/test_rule_boundaries.py tests/registry/test_record_bounded.py"
  [workflow]="tests/assessments/test_workflow.py tests/assessments/test_decision_record.py tests/assessments/test_state_diagram.py tests/assessments/test_rule_names.py tests/assessments/test_attempt_log.py tests/assessments/test_rules.py tests/assessments/test_rule_boundaries.py tests/assessments/test_monitoring.py tests/assessments/test_reminder_schedule.py tests/api/test_transitions.py"
  [reminders]="tests/assessments/test_monitoring.py tests/assessments/test_reminder_schedule.py"
  [monitoring]="tests/assessments/test_monitoring.py tests/assessments/test_reminder_schedule.py tests/assessments/test_trigger_outbox.py"
  [routes]="tests/registry/test_record.py tests/registry/test_record_bounded.py tests/registry/test_record_routes.py tests/assessments/test_rules.py"
)
ORDER=(rules risk reminders monitoring routes workflow)
# --summary: print the table from the results kept in mutants/, without running anything.
SUMMARY_ONLY=
[ "${1:-}" != --summary ] || { SUMMARY_ONLY=1; shift; }
MODULES=("$@")
[ ${#MODULES[@]} -gt 0 ] || MODULES=("${ORDER[@]}")

for module in "${MODULES[@]}"; do
  [ -n "${PATTERNS[$module]:-}" ] || { echo "unknown module: $module (one of ${ORDER[*]})" >&2; exit 2; }
done

start=$(date +%s)
if [ -z "$SUMMARY_ONLY" ]; then
# The test database, made (or brought up to date) once, here: the runs in mutants/ only open it.
nice -n 10 "$PYTHON" -m pytest -q -p no:cacheprovider --reuse-db --ds=benchmarks.mutation_settings \
  tests/assessments/test_rules.py::test_residual_never_below_low > /dev/null
mkdir -p mutants
cp benchmarks/mutation_conftest.py mutants/conftest.py
for module in "${MODULES[@]}"; do
  echo "== $module"
  export MUTATION_TESTS="${TESTS[$module]}"
  # shellcheck disable=SC2086  # the patterns are words on purpose
  nice -n 10 "${MUTMUT[@]}" run --max-children "$CHILDREN" ${PATTERNS[$module]} \
    > "mutants/run-$module.log" 2>&1 || { tail -20 "mutants/run-$module.log"; exit 1; }
done
fi
elapsed=$(( $(date +%s) - start ))

# killed/total per module, from mutmut's own results (every status counted in the total).
"${MUTMUT[@]}" results --all true > mutants/results.txt
args=()
for module in "${MODULES[@]}"; do args+=("$module=${PATTERNS[$module]}"); done
"$PYTHON" - "$elapsed" "${args[@]}" <<'EOF'
import fnmatch, sys
elapsed = int(sys.argv[1])
patterns = dict(arg.split("=", 1) for arg in sys.argv[2:])
patterns = {module: names.split() for module, names in patterns.items()}
modules = list(patterns)
results = []
for line in open("mutants/results.txt"):
    if ":" in line:
        name, status = line.strip().rsplit(": ", 1)
        results.append((name, status))
print(f"{'module':<12}{'killed':>8}{'total':>8}  {'score':>6}  other")
for module in modules:
    mine = [(n, s) for n, s in results if any(fnmatch.fnmatch(n, p) for p in patterns[module])]
    killed = sum(s in ("killed", "timeout") for _n, s in mine)
    others = {}
    for _n, s in mine:
        if s not in ("killed", "timeout"):
            others[s] = others.get(s, 0) + 1
    score = f"{100 * killed / len(mine):.0f}%" if mine else "-"
    print(f"{module:<12}{killed:>8}{len(mine):>8}  {score:>6}  "
          + ", ".join(f"{k} {v}" for k, v in sorted(others.items())))
if elapsed > 1:
    print(f"run time: {elapsed // 60} min {elapsed % 60} s")
EOF

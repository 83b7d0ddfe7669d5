"""Settings for benchmarks/mutation.sh: the project's, with one fixed name for the test database.

mutmut runs pytest many times in one process and its forks; Django renames the configured
database to its test database in place, so without a fixed name each run would prefix "test_"
once more and build a new database from the migrations.
"""

from hrddp.settings import *  # noqa: F403
from hrddp.settings import DATABASES

DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_mutation"}

"""A realistic synthetic LA: schools, pupils and their CTF files, with defects on request.

`write_la(out="var/la", schools=300, collection="ALL", seed=1, defects=0.01)` writes the
register, one CTF per school and collection, and defects.json; `generate_la(SynthConfig(...))`
gives the same files in memory; `write_big_file` writes one very large file for benchmarks
(`write_school_file`: one school's, with so many pupils).
"""

from keystage.synth.big import write_big_file, write_school_file
from keystage.synth.cohort import SchoolCohorts, generate_cohort
from keystage.synth.defects import PlantedDefect
from keystage.synth.la import SchoolFile, SynthConfig, file_name, generate_la, make_header
from keystage.synth.schools import School, generate_schools, write_register
from keystage.synth.write import SynthResult, write_la

__all__ = [
    "PlantedDefect",
    "School",
    "SchoolCohorts",
    "SchoolFile",
    "SynthConfig",
    "SynthResult",
    "file_name",
    "generate_cohort",
    "generate_la",
    "generate_schools",
    "make_header",
    "write_big_file",
    "write_la",
    "write_register",
    "write_school_file",
]

"""Sample CTF bytes shared by the CTF tests (imported by name: tests/ctf is on sys.path)."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).parent / "samples"
FULL = SAMPLES / "ks1_full.xml"

HEADER = b"""<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <CTFversion>25.0</CTFversion>
    <SourceSchool><LEA>330</LEA><Estab>2001</Estab><AcademicYear>2025</AcademicYear></SourceSchool>
  </Header>
  <CTFpupilData>
"""

PUPIL = b"""    <Pupil>
      <UPN>R674123101121</UPN>
      <Surname>Smith</Surname>
      <Forename>Ann</Forename>
      <DOB>2018-11-02</DOB>
      <Sex>F</Sex>
      <StageAssessments>
        <KeyStage>
          <Stage>KS1</Stage>
          <StageAssessment>
            <Locale>ENG</Locale><Year>2026</Year><Subject>ENG</Subject><Method>TA</Method>
            <Component>READ</Component><ResultStatus>R</ResultStatus>
            <ResultQualifier>TA</ResultQualifier><Result>EXS</Result>
          </StageAssessment>
        </KeyStage>
      </StageAssessments>
    </Pupil>
"""

FOOTER = b"""  </CTFpupilData>
</CTfile>
"""


def small_ctf(pupils: int = 3) -> bytes:
    """A valid CTF with `pupils` identical pupils."""
    return HEADER + PUPIL * pupils + FOOTER


def full() -> bytes:
    return FULL.read_bytes()

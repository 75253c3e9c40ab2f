"""A school's files: upload, refusal, checking, findings, state, answers and the
head's confirmation. The first feature layer: data flows from here to the LA's decisions."""

"""The LA's schools: loading the register of establishments (GIAS) and keeping it in step, the
links from an academy to the school it replaced, and which schools each collection expects."""

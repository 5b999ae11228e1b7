"""aiecosim's experiment layer: the command line, sweeps, storage, analysis and reports."""

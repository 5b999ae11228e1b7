"""One module per view: its layout and the callbacks that belong to it."""

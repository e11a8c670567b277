"""One module per command of the `makebook` command line, each with its click command."""

"""Reports and results: the console report and downloads, step charts, published results
pages, and the project's reporting over dialogues."""

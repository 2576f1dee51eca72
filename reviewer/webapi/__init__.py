"""HTTP API and the web application that serves it beside the Gradio workbench."""

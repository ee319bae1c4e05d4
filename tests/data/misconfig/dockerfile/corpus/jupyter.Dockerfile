FROM jupyter/base-notebook:python-3.11
USER root
RUN apt-get update && apt-get install -y --no-install-recommends graphviz && apt-get clean && rm -rf /var/lib/apt/lists/*
USER ${NB_UID}
RUN pip install --quiet --no-cache-dir pandas matplotlib
ENV JUPYTER_TOKEN=letmein

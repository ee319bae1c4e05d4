FROM continuumio/miniconda3:24.1.2-0
WORKDIR /opt/project
COPY environment.yml .
RUN conda env create -f environment.yml && conda clean -afy
SHELL ["conda", "run", "-n", "project", "/bin/bash", "-c"]
COPY . .
ENTRYPOINT ["conda", "run", "--no-capture-output", "-n", "project", "python", "run.py"]

FROM buildpack-deps:bookworm
WORKDIR build
RUN cd /usr/src && git clone https://github.com/example/project.git && cd project && make install
USER nobody

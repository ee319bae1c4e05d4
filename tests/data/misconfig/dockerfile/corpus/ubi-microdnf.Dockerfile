FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
RUN microdnf install -y shadow-utils && microdnf clean all
RUN useradd -r -u 1001 -g 0 default
USER 1001
CMD ["/bin/sh"]

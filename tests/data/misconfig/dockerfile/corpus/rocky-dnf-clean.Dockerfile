FROM rockylinux:9.3
RUN dnf install -y --setopt=install_weak_deps=False python3 \
    && dnf clean all
RUN useradd -u 1001 app
USER 1001
HEALTHCHECK CMD ["python3", "-c", "print(1)"]
CMD ["python3", "-m", "http.server", "8000"]

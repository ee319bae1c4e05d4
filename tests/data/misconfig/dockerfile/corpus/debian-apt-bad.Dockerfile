FROM ubuntu:22.04
MAINTAINER ops team <ops@example.com>
RUN apt-get update
RUN apt-get upgrade -y
RUN apt-get install curl vim openssh-server
RUN sudo service ssh start
EXPOSE 22
CMD ["/usr/sbin/sshd", "-D"]

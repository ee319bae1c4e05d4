FROM nginx
ADD nginx.conf /etc/nginx/nginx.conf
ADD https://github.com/example/site/releases/download/v1.0/site.tar.gz /usr/share/nginx/html/
EXPOSE 80

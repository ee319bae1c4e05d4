FROM php:7.4-fpm
RUN apt-get update && apt-get install -y libzip-dev zip && docker-php-ext-install zip
RUN curl -sS https://getcomposer.org/installer | php -- --install-dir=/usr/local/bin --filename=composer
WORKDIR /var/www
COPY . /var/www
RUN composer install
RUN chmod -R 777 /var/www/storage
EXPOSE 9000
CMD ["php-fpm"]

FROM redis:7.2
COPY redis.conf /usr/local/etc/redis/redis.conf
CMD ["redis-server"]
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server", "/usr/local/etc/redis/redis.conf"]
USER redis

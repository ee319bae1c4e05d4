FROM python:3
ADD . /code
WORKDIR /code
RUN pip install -r requirements.txt
ENV SECRET_KEY=django-insecure-8s7d6f5g4h3j
EXPOSE 8000
CMD python manage.py runserver 0.0.0.0:8000

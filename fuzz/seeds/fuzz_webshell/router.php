<?php
$page = isset($_GET['page']) ? $_GET['page'] : 'home';
include('header.php');
include('pages/' . $page . '.php');
include('footer.php');
?>

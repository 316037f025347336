<?php
/*
 * Reference outputs of WordPress's own wpautop() and shortcode_unautop(),
 * for the differential test of src/import/wxr_autop.c:
 *
 *   php tools/wpautop_ref.php WORDPRESS/wp-includes/formatting.php < in > out
 *
 * Reads one base64 input per line; writes, per line, base64 of wpautop(in)
 * and of shortcode_unautop(wpautop(in)), tab-separated.  The shortcodes
 * registered are the ones wxr_shortcode.c knows, as WordPress core
 * registers them.  tests/unit/wxr_test.c says how its expectations were
 * made with this (WordPress 6, src/wp-includes/formatting.php of
 * WordPress/wordpress-develop trunk).
 */
if ( $argc < 2 ) {
	fwrite( STDERR, "usage: php wpautop_ref.php formatting.php < in > out\n" );
	exit( 2 );
}
function apply_filters( $hook, $value ) {
	return $value;
}
require $argv[1];
$shortcode_tags = array_fill_keys(
	array( 'embed', 'caption', 'wp_caption', 'gallery', 'playlist', 'audio', 'video' ),
	'__return_false'
);
while ( ( $line = fgets( STDIN ) ) !== false ) {
	$in  = base64_decode( trim( $line ) );
	$out = wpautop( $in );
	echo base64_encode( $out ), "\t", base64_encode( shortcode_unautop( $out ) ), "\n";
}

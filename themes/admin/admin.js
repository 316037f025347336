// tamizdat admin: small progressive enhancements.  Every form works without this file.
(function () {
	'use strict';
	// Ask before a button that cannot be undone in one click (data-confirm="question").
	document.addEventListener('click', function (e) {
		var b = e.target.closest ? e.target.closest('[data-confirm]') : null;
		if (b && !window.confirm(b.getAttribute('data-confirm')))
			e.preventDefault();
	});
	// Warn before leaving the editor with unsaved changes.
	var form = document.querySelector('form[data-guard]');
	if (form) {
		var dirty = false;
		form.addEventListener('input', function () { dirty = true; });
		form.addEventListener('submit', function () { dirty = false; });
		window.addEventListener('beforeunload', function (e) {
			if (dirty) {
				e.preventDefault();
				e.returnValue = '';
			}
		});
	}
}());
